import type { Viewer } from '../../shared/context.js';
import { hashOpaqueToken } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import { securityLog } from './security-log.js';
import { revokeSessions } from './session-revocation.js';

export interface LogoutOptions {
  readonly viewer: Viewer;
  /** Also ends this token's session (family). Ignored when it is not the viewer's. */
  readonly refreshToken?: string | null;
  /** Ends every session of the viewer. */
  readonly allSessions?: boolean;
  readonly meta: ClientMeta;
}

/**
 * Ends the current session (the access token's `sid`), the session of `refreshToken` if given, or every
 * session of the viewer. Ending a session revokes its refresh tokens in the database and every access token
 * issued in it, at once on every API instance, also while Redis is down or after it lost its data
 * (session-revocation.ts).
 * @returns true (also when the refresh token was unknown: logout is idempotent).
 */
export async function logout(deps: AuthDeps, options: LogoutOptions): Promise<boolean> {
  const { viewer } = options;
  const familyIds: string[] = viewer.sessionId ? [viewer.sessionId] : [];
  if (options.allSessions) {
    const live = await deps.prisma.refreshToken.findMany({
      where: { userId: viewer.userId, revokedAt: null },
      select: { familyId: true },
      distinct: ['familyId'],
    });
    familyIds.push(...live.map((r) => r.familyId));
  } else if (options.refreshToken) {
    const row = await deps.prisma.refreshToken.findUnique({
      where: { tokenHash: hashOpaqueToken(options.refreshToken) },
      select: { familyId: true, userId: true },
    });
    if (row && row.userId === viewer.userId) familyIds.push(row.familyId);
  }
  const revoked = await revokeSessions(deps, { userId: viewer.userId, familyIds });
  securityLog(deps.logger, 'logout', {
    userId: viewer.userId,
    allSessions: options.allSessions === true,
    revoked,
    ip: options.meta.ip,
  });
  return true;
}
