import type { Viewer } from '../../shared/context.js';
import { hashOpaqueToken } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import { securityLog } from './security-log.js';

export interface LogoutOptions {
  readonly viewer: Viewer;
  /** Revokes this token's whole family (the session). Ignored when it is not the viewer's. */
  readonly refreshToken?: string | null;
  /** Revokes every refresh token of the viewer. */
  readonly allSessions?: boolean;
  readonly meta: ClientMeta;
}

/**
 * Ends a session (or all of them) and puts the current access token's `jti` on the deny-list until it
 * expires, so it stops working at once. Other sessions' access tokens are not tracked: they end at their
 * expiry (at most ACCESS_TOKEN_EXPIRE_MINUTES) while their refresh tokens are already dead.
 * @returns true (also when the refresh token was unknown: logout is idempotent).
 */
export async function logout(deps: AuthDeps, options: LogoutOptions): Promise<boolean> {
  const { viewer } = options;
  const now = new Date(deps.now());
  let revoked = 0;
  if (options.allSessions) {
    revoked = (
      await deps.prisma.refreshToken.updateMany({
        where: { userId: viewer.userId, revokedAt: null },
        data: { revokedAt: now },
      })
    ).count;
  } else if (options.refreshToken) {
    const row = await deps.prisma.refreshToken.findUnique({
      where: { tokenHash: hashOpaqueToken(options.refreshToken) },
      select: { familyId: true, userId: true },
    });
    if (row && row.userId === viewer.userId) {
      revoked = (
        await deps.prisma.refreshToken.updateMany({
          where: { familyId: row.familyId, revokedAt: null },
          data: { revokedAt: now },
        })
      ).count;
    }
  }
  if (viewer.tokenId && viewer.expiresAt) await deps.denyList.deny(viewer.tokenId, viewer.expiresAt);
  securityLog(deps.logger, 'logout', {
    userId: viewer.userId,
    allSessions: options.allSessions === true,
    revoked,
    ip: options.meta.ip,
  });
  return true;
}
