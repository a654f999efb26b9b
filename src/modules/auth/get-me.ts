import type { Viewer } from '../../shared/context.js';
import { unauthenticated } from '../../shared/errors.js';
import type { AuthDeps } from './auth-deps.js';
import { toUser, type User } from './user.type.js';

/** The viewer's own account. @throws AppError UNAUTHENTICATED when it no longer exists. */
export async function getMe(deps: AuthDeps, options: { viewer: Viewer }): Promise<User> {
  const row = await deps.prisma.user.findUnique({ where: { id: options.viewer.userId } });
  if (!row) throw unauthenticated();
  return toUser(row);
}
