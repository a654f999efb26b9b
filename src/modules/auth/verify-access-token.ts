import type { Viewer } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import type { AuthDeps } from './auth-deps.js';
import { securityLog } from './security-log.js';

/** The outcome the server's context builder expects: a viewer, or why a presented token was refused. */
export interface AuthenticateResult {
  readonly viewer: Viewer | null;
  readonly authError: AppError | null;
}

export type Authenticate = (
  authorization: string | undefined,
  meta?: { ip?: string | undefined },
) => Promise<AuthenticateResult>;

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * Builds the per-request authentication step. Never throws for a bad token: it returns `authError`,
 * which the server enforces for non-public operations only.
 *
 * Per request: JWT verification (signature, algorithm, exp/nbf with 5 s tolerance, iss, aud, type), then
 * one deny-list read (the `jti` after logout, and the user's "changed at" marker), then the user's
 * `active` flag and current `tier` from a short in-process cache (user-state-cache.ts) that the marker
 * invalidates, so a deactivated user's tokens stop at once on every instance. bench/auth.bench.ts
 * measures the cost (docs/authentication.md).
 *
 * Without a token: anonymous, or the TEST_MODE user when TEST_MODE is on (a presented token is still verified).
 */
export function createAuthenticate(deps: AuthDeps, options: { ensureTestUser: () => Promise<string> }): Authenticate {
  return async (authorization, meta = {}) => {
    if (authorization === undefined || authorization.trim() === '') {
      if (!deps.testMode.enabled) return { viewer: null, authError: null };
      const userId = await options.ensureTestUser();
      return { viewer: { userId, tier: deps.testMode.userTier, tokenId: null, expiresAt: null }, authError: null };
    }
    const reject = (
      reason: string,
      userId: string | null = null,
      message = 'Invalid access token',
    ): AuthenticateResult => {
      securityLog(deps.logger, 'token_rejected', { reason, ip: meta.ip, userId });
      return { viewer: null, authError: new AppError('UNAUTHENTICATED', message) };
    };
    const match = BEARER.exec(authorization);
    if (!match?.[1]) return reject('malformed_header', null, 'Expected "Authorization: Bearer <token>"');
    const result = await deps.accessTokens.verify(match[1]);
    if (!result.ok)
      return reject(result.reason, null, result.reason === 'expired' ? 'Access token expired' : 'Invalid access token');
    const { claims } = result;
    const { denied, userChangedAt } = await deps.denyList.check(claims.jti, claims.sub);
    if (denied) return reject('revoked', claims.sub);
    const user = await deps.userStates.get(claims.sub, userChangedAt);
    if (!user) return reject('unknown_user', claims.sub);
    if (!user.active) return reject('inactive', claims.sub);
    return {
      viewer: { userId: claims.sub, tier: user.tier, tokenId: claims.jti, expiresAt: claims.exp },
      authError: null,
    };
  };
}

/**
 * Re-checks a viewer that was authenticated earlier (an open WebSocket, before each operation): the
 * token's `jti` against the deny-list (logout) and the user's current state (deactivation, tier), in the
 * same single deny-list round trip plus cached user read as `authenticate`. Returns the viewer with its
 * current tier, or `viewer: null` with the reason.
 */
export function createRevalidate(deps: AuthDeps): (viewer: Viewer) => Promise<AuthenticateResult> {
  return async (viewer) => {
    const refuse = (reason: string): AuthenticateResult => {
      securityLog(deps.logger, 'token_rejected', { reason, userId: viewer.userId });
      return { viewer: null, authError: new AppError('UNAUTHENTICATED', 'Session no longer valid') };
    };
    const { denied, userChangedAt } = viewer.tokenId
      ? await deps.denyList.check(viewer.tokenId, viewer.userId)
      : { denied: false, userChangedAt: null };
    if (denied) return refuse('revoked');
    const user = await deps.userStates.get(viewer.userId, userChangedAt);
    if (!user) return refuse('unknown_user');
    if (!user.active) return refuse('inactive');
    return { viewer: user.tier === viewer.tier ? viewer : { ...viewer, tier: user.tier }, authError: null };
  };
}
