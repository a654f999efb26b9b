import type { Tier } from '../../config/index.js';
import type { Database } from '../../shared/database/index.js';
import type { SessionStateCache } from '../../shared/security/index.js';

/** What a token check needs to know about its user. */
export interface UserState {
  readonly active: boolean;
  readonly tier: Tier;
}

export interface UserStateCache {
  /**
   * The user's state, from this instance's cache when it was loaded after `changedAt` and less than
   * `ttlMs` ago, else from the database. Null when the user does not exist.
   */
  get(userId: string, changedAt: number | null): Promise<UserState | null>;
  /** Makes every instance reload `userId` on its next request (marker via the session cache). */
  invalidate(userId: string): Promise<void>;
}

const MAX_ENTRIES = 10_000;

/**
 * A few seconds of in-process caching for the per-request user check (bench/auth.bench.ts: the
 * database lookup was most of the cost of authentication). Changes made through Pharos call
 * `invalidate`, which writes a "user changed at" marker that every instance reads in the same round trip
 * as the session check, so deactivation and tier changes apply at once everywhere; edits made directly in the
 * database apply within `ttlMs`. `ttlMs` 0 disables caching.
 */
export function createUserStateCache(
  deps: { prisma: Database; sessionCache: SessionStateCache; now: () => number },
  options: { ttlMs: number },
): UserStateCache {
  const entries = new Map<string, { state: UserState | null; loadedAt: number }>();
  const markerTtlSeconds = Math.max(60, Math.ceil((options.ttlMs * 2) / 1000));
  return {
    async get(userId, changedAt) {
      const now = deps.now();
      const hit = entries.get(userId);
      if (hit && now - hit.loadedAt < options.ttlMs && hit.loadedAt > (changedAt ?? -1)) return hit.state;
      const row = await deps.prisma.user.findUnique({ where: { id: userId }, select: { active: true, tier: true } });
      const state = row ? { active: row.active, tier: row.tier as Tier } : null;
      if (options.ttlMs > 0) {
        entries.delete(userId);
        entries.set(userId, { state, loadedAt: now });
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      }
      return state;
    },
    async invalidate(userId) {
      entries.delete(userId);
      await deps.sessionCache.markUserChanged(userId, deps.now(), markerTtlSeconds);
    },
  };
}
