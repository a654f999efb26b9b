import type { Tier } from '../../config/index.js';
import type { AuthDeps } from './auth-deps.js';
import { securityLog } from './security-log.js';

/**
 * Deactivates (or reactivates) a user. Deactivation revokes every refresh token, and the user-changed
 * marker makes every API instance refuse the user's access tokens on the next request. (Setting
 * `users.active = false` directly in the database takes up to AUTH_USER_CACHE_SECONDS.)
 */
export async function setUserActive(deps: AuthDeps, options: { userId: string; active: boolean }): Promise<void> {
  const now = new Date(deps.now());
  await deps.prisma.user.update({ where: { id: options.userId }, data: { active: options.active } });
  if (!options.active)
    await deps.prisma.refreshToken.updateMany({
      where: { userId: options.userId, revokedAt: null },
      data: { revokedAt: now },
    });
  await deps.userStates.invalidate(options.userId);
  securityLog(deps.logger, 'user_deactivated', { userId: options.userId, active: options.active });
}

/** Changes a user's tier; every instance sees it on the next request, and the next refresh puts it in the token. */
export async function setUserTier(deps: AuthDeps, options: { userId: string; tier: Tier }): Promise<void> {
  await deps.prisma.user.update({ where: { id: options.userId }, data: { tier: options.tier } });
  await deps.userStates.invalidate(options.userId);
}
