import type { AuthDeps } from './auth-deps.js';

/**
 * Whether the session `sessionId` (a refresh-token family) has ended: the session cache first, the database
 * on a miss (or when the cache is unreachable: never failing open). The database answer is cached, "live"
 * for `sessionCacheSeconds` at most (SET NX: a revocation written meanwhile wins), "revoked" until the
 * session's access tokens have expired.
 *
 * A family has ended when it has a row revoked without successor (logout, deactivation, reuse detection:
 * refresh-session.ts) or no row at all (user deleted); rotated rows (revoked, with successor) do not count.
 * @returns also the user's "changed at" marker, read in the same cache round trip.
 * @throws the database error when the cache missed and the database is unreachable.
 */
export async function checkSession(
  deps: AuthDeps,
  options: { sessionId: string; userId: string },
): Promise<{ revoked: boolean; userChangedAt: number | null }> {
  const { sessionId, userId } = options;
  const cached = await deps.sessionCache.check(sessionId, userId);
  if (cached.session !== null) return { revoked: cached.session === 'revoked', userChangedAt: cached.userChangedAt };
  const rows = await deps.prisma.refreshToken.findMany({
    where: { familyId: sessionId, userId, OR: [{ revokedAt: null }, { replacedBy: null }] },
    select: { revokedAt: true },
    take: 16,
  });
  const revoked = rows.length === 0 || rows.some((r) => r.revokedAt !== null);
  if (revoked) await cacheRevoked(deps, userId, [sessionId]);
  else await deps.sessionCache.rememberLive(userId, sessionId, deps.sessionCacheSeconds);
  return { revoked, userChangedAt: cached.userChangedAt };
}

/**
 * Ends sessions: every live refresh token of `familyIds` (of `userId`) is revoked in the database (the source
 * of truth), then the session cache is told, which every API instance reads on its next request. When the
 * cache is unreachable the revocation still holds: cache misses go to the database, and a "live" entry
 * cached earlier expires within `sessionCacheSeconds`.
 * @returns how many refresh tokens were revoked.
 */
export async function revokeSessions(
  deps: AuthDeps,
  options: { userId: string; familyIds: readonly string[] },
): Promise<number> {
  const familyIds = [...new Set(options.familyIds)];
  if (familyIds.length === 0) return 0;
  const { count } = await deps.prisma.refreshToken.updateMany({
    where: { userId: options.userId, familyId: { in: familyIds }, revokedAt: null },
    data: { revokedAt: new Date(deps.now()) },
  });
  await cacheRevoked(deps, options.userId, familyIds);
  return count;
}

/** Best effort: the database already says revoked; the cache only makes every instance see it sooner. */
async function cacheRevoked(deps: AuthDeps, userId: string, familyIds: readonly string[]): Promise<void> {
  const lastValid = Math.ceil(deps.now() / 1000) + deps.accessTokens.ttlSeconds;
  try {
    await deps.sessionCache.markRevoked(userId, familyIds, lastValid);
  } catch (err) {
    deps.logger.warn(
      { code: (err as { code?: string }).code, sessions: familyIds.length },
      'session cache unavailable: revocation stored in the database only',
    );
  }
}
