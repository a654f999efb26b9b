import type { Redis } from '../redis/index.js';
import type { Logger } from '../logger.js';
import { createThrottledWarn } from '../logger.js';
import { CLOCK_TOLERANCE_SECONDS } from './access-token.js';
import { withTimeout } from '../with-timeout.js';

/** What the cache knows about one session: `null` = nothing cached (or the cache is unreachable): ask the database. */
export type CachedSessionState = 'live' | 'revoked' | null;

/**
 * A cache in front of the database's session revocations, checked on every authenticated request, plus
 * "user changed at" markers (deactivation, tier change) that tell every API instance to drop its cached
 * copy of that user. The database stays the source of truth: a miss, an eviction, a Redis restart without
 * persistence or an unreachable Redis all answer `null`, and the caller asks the database. Nothing here
 * ever answers "live" for a session it was told is revoked.
 */
export interface SessionStateCache {
  /**
   * One step (one Redis round trip): the cached state of `userId`'s session `sessionId` and when `userId`
   * last changed (ms, or null). Never rejects.
   */
  check(sessionId: string, userId: string): Promise<{ session: CachedSessionState; userChangedAt: number | null }>;
  /**
   * Caches `sessionId` as live for `ttlSeconds`, unless something is cached for it already: a revocation
   * written meanwhile (by any instance) is never overwritten. Never rejects (a failed write is a later miss).
   */
  rememberLive(userId: string, sessionId: string, ttlSeconds: number): Promise<void>;
  /**
   * Caches `sessionIds` as revoked, overwriting "live", until `expiresAt` (unix seconds: the last moment an
   * access token of those sessions can be valid) plus CLOCK_TOLERANCE_SECONDS. Rejects when unreachable.
   */
  markRevoked(userId: string, sessionIds: readonly string[], expiresAt: number): Promise<void>;
  /** Records that `userId` changed at `atMs` (unix ms); kept `ttlSeconds`. Rejects when unreachable. */
  markUserChanged(userId: string, atMs: number, ttlSeconds: number): Promise<void>;
}

export interface RedisSessionStateCacheOptions {
  readonly client: Redis;
  /** Key prefix, e.g. "pharos:" → keys "pharos:auth:session:<user>:<session>", "pharos:auth:user-changed:<user>". */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** Give up on a Redis read after this long and answer a miss (default 500 ms). */
  readonly timeoutMs?: number;
}

const LIVE = 'live';
const REVOKED = 'revoked';

/**
 * Redis implementation, shared by every API instance, so a logout on one instance applies on all at once:
 * one key per session (`live` via SET NX, `revoked` via plain SET, so a racing "live" can never replace a
 * revocation), one key per changed user. When Redis does not answer, reads are misses (logged, throttled):
 * the caller falls back to the database instead of failing open.
 */
export function createRedisSessionStateCache(options: RedisSessionStateCacheOptions): SessionStateCache {
  const { client } = options;
  const sessionKey = (userId: string, id: string) => `${options.keyPrefix}auth:session:${userId}:${id}`;
  const userKey = (id: string) => `${options.keyPrefix}auth:user-changed:${id}`;
  const timeoutMs = options.timeoutMs ?? 500;
  const warn = createThrottledWarn(options.logger);
  const unreachable = (err: unknown) =>
    warn(
      { code: (err as { code?: string }).code ?? 'timeout' },
      'session cache unavailable: checking sessions in the database',
    );
  return {
    async check(sessionId, userId) {
      try {
        const [session, changed] = await withTimeout(
          client.mget(sessionKey(userId, sessionId), userKey(userId)),
          timeoutMs,
        );
        return {
          session: session === REVOKED ? 'revoked' : session === LIVE ? 'live' : null,
          userChangedAt: changed ? Number(changed) : null,
        };
      } catch (err) {
        unreachable(err);
        return { session: null, userChangedAt: null };
      }
    },
    async rememberLive(userId, sessionId, ttlSeconds) {
      if (ttlSeconds <= 0) return;
      try {
        await withTimeout(client.set(sessionKey(userId, sessionId), LIVE, 'EX', ttlSeconds, 'NX'), timeoutMs);
      } catch (err) {
        unreachable(err);
      }
    },
    async markRevoked(userId, sessionIds, expiresAt) {
      const until = expiresAt + CLOCK_TOLERANCE_SECONDS;
      if (sessionIds.length === 0 || until * 1000 <= Date.now()) return;
      const batch = client.multi();
      for (const id of sessionIds) batch.set(sessionKey(userId, id), REVOKED, 'EXAT', until);
      const results = await batch.exec();
      const failed = results?.find(([err]) => err);
      if (!results || failed) throw failed?.[0] ?? new Error('session cache write was discarded');
    },
    async markUserChanged(userId, atMs, ttlSeconds) {
      await client.set(userKey(userId), String(atMs), 'EX', ttlSeconds);
    },
  };
}

/**
 * In-process implementation (embedded mode: one instance, so logout applies at once). Expired entries are
 * swept every `sweepEvery` writes, so memory stays bounded by the sessions seen within one TTL.
 */
export function createMemorySessionStateCache(
  options: { now?: () => number; sweepEvery?: number } = {},
): SessionStateCache {
  const now = options.now ?? Date.now;
  const sweepEvery = options.sweepEvery ?? 256;
  const sessions = new Map<string, { state: 'live' | 'revoked'; until: number }>();
  const changed = new Map<string, { at: number; until: number }>();
  let writes = 0;
  const sweep = (t: number) => {
    if (++writes % sweepEvery !== 0) return;
    for (const [k, e] of sessions) if (e.until <= t) sessions.delete(k);
    for (const [k, e] of changed) if (e.until <= t) changed.delete(k);
  };
  const stateOf = (id: string): CachedSessionState => {
    const e = sessions.get(id);
    if (!e) return null;
    if (e.until > now()) return e.state;
    sessions.delete(id);
    return null;
  };
  return {
    async check(sessionId, userId) {
      const e = changed.get(userId);
      return { session: stateOf(`${userId}:${sessionId}`), userChangedAt: e && e.until > now() ? e.at : null };
    },
    async rememberLive(userId, sessionId, ttlSeconds) {
      const key = `${userId}:${sessionId}`;
      if (ttlSeconds <= 0 || stateOf(key) !== null) return;
      const t = now();
      sessions.set(key, { state: 'live', until: t + ttlSeconds * 1000 });
      sweep(t);
    },
    async markRevoked(userId, sessionIds, expiresAt) {
      const t = now();
      const until = (expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000;
      if (until <= t) return;
      for (const id of sessionIds) sessions.set(`${userId}:${id}`, { state: 'revoked', until });
      sweep(t);
    },
    async markUserChanged(userId, atMs, ttlSeconds) {
      const t = now();
      changed.set(userId, { at: atMs, until: t + ttlSeconds * 1000 });
      sweep(t);
    },
  };
}
