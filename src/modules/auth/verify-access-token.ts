import type { Viewer } from '../../shared/context.js';
import { isDatabaseUnavailable } from '../../shared/database/database-errors.js';
import { AppError, serviceUnavailable } from '../../shared/errors.js';
import type { AuthDeps } from './auth-deps.js';
import { securityLog } from './security-log.js';
import { checkSession } from './session-revocation.js';

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
 * Per request: JWT verification (signature, algorithm, exp/nbf with 5 s tolerance, iss, aud, type, sid), then
 * one session-cache read (is the token's session ended, and the user's "changed at" marker; the database on a
 * miss or when Redis is down: session-revocation.ts), then the user's `active` flag and current `tier` from a
 * short in-process cache (user-state-cache.ts) that the marker invalidates, so logout and deactivation stop
 * tokens at once on every instance. bench/auth.bench.ts measures the cost (docs/authentication.md).
 *
 * When those checks cannot reach the database, the result is `authError` SERVICE_UNAVAILABLE (never a
 * viewer, and never UNAUTHENTICATED, which would tell clients to drop a token that may be fine).
 *
 * Without a token: anonymous, or the TEST_MODE user when TEST_MODE is on (a presented token is still verified).
 */
export function createAuthenticate(deps: AuthDeps, options: { ensureTestUser: () => Promise<string> }): Authenticate {
  const authenticate = createAuthenticateUnguarded(deps, options);
  return (authorization, meta) => guardOutage(deps, authenticate(authorization, meta));
}

function createAuthenticateUnguarded(deps: AuthDeps, options: { ensureTestUser: () => Promise<string> }): Authenticate {
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
    const { revoked, userChangedAt } = await checkSession(deps, { sessionId: claims.sid, userId: claims.sub });
    if (revoked) return reject('revoked', claims.sub);
    const user = await deps.userStates.get(claims.sub, userChangedAt);
    if (!user) return reject('unknown_user', claims.sub);
    if (!user.active) return reject('inactive', claims.sub);
    return {
      viewer: {
        userId: claims.sub,
        tier: user.tier,
        tokenId: claims.jti,
        expiresAt: claims.exp,
        sessionId: claims.sid,
      },
      authError: null,
    };
  };
}

/**
 * Re-checks a viewer that was authenticated earlier (an open WebSocket, before each operation): its session
 * (logout) and the user's current state (deactivation, tier), with the same checks as `authenticate`.
 * Returns the viewer with its current tier, or `viewer: null` with the reason: UNAUTHENTICATED, or
 * SERVICE_UNAVAILABLE when the database cannot be asked.
 */
export function createRevalidate(deps: AuthDeps): (viewer: Viewer) => Promise<AuthenticateResult> {
  return (viewer) => guardOutage(deps, revalidate(deps, viewer));
}

async function revalidate(deps: AuthDeps, viewer: Viewer): Promise<AuthenticateResult> {
  const refuse = (reason: string): AuthenticateResult => {
    securityLog(deps.logger, 'token_rejected', { reason, userId: viewer.userId });
    return { viewer: null, authError: new AppError('UNAUTHENTICATED', 'Session no longer valid') };
  };
  const { revoked, userChangedAt } = viewer.sessionId
    ? await checkSession(deps, { sessionId: viewer.sessionId, userId: viewer.userId })
    : { revoked: false, userChangedAt: null };
  if (revoked) return refuse('revoked');
  const user = await deps.userStates.get(viewer.userId, userChangedAt);
  if (!user) return refuse('unknown_user');
  if (!user.active) return refuse('inactive');
  return { viewer: user.tier === viewer.tier ? viewer : { ...viewer, tier: user.tier }, authError: null };
}

/** A database outage while checking a token: no viewer, SERVICE_UNAVAILABLE (fail closed, retryable). */
async function guardOutage(deps: AuthDeps, check: Promise<AuthenticateResult>): Promise<AuthenticateResult> {
  try {
    return await check;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    deps.logger.warn({ code: (err as { code?: string }).code }, 'token check: database unavailable');
    return {
      viewer: null,
      authError: serviceUnavailable('Authentication is temporarily unavailable; please retry shortly', {
        internal: err,
      }),
    };
  }
}
