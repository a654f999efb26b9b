import type { Redis } from '../redis/index.js';
import type { Logger } from '../logger.js';
import { createThrottledWarn } from '../logger.js';
import { CLOCK_TOLERANCE_SECONDS } from './access-token.js';

/**
 * Revocation state checked on every authenticated request: revoked access-token ids (`jti`, kept until
 * the token would have expired anyway) and "user changed at" markers (deactivation, tier change) that
 * tell every API instance to drop its cached copy of that user.
 */
export interface TokenDenyList {
  /**
   * Denies `jti` until `expiresAt` (unix seconds) plus CLOCK_TOLERANCE_SECONDS, the leeway with which
   * verification still accepts an expired token. A token already past that is a no-op.
   */
  deny(jti: string, expiresAt: number): Promise<void>;
  /** True when `jti` is denied. */
  isDenied(jti: string): Promise<boolean>;
  /** Records that `userId` changed at `atMs` (unix ms); kept `ttlSeconds`. */
  markUserChanged(userId: string, atMs: number, ttlSeconds: number): Promise<void>;
  /** Both checks in one step (one Redis round trip): is `jti` denied, and when did the user last change (ms, or null). */
  check(jti: string, userId: string): Promise<{ denied: boolean; userChangedAt: number | null }>;
}

export interface RedisTokenDenyListOptions {
  readonly client: Redis;
  /** Key prefix, e.g. "pharos:" → keys "pharos:auth:deny:<jti>", "pharos:auth:user-changed:<id>". */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** Give up on a Redis read after this long and fail open (default 500 ms). */
  readonly timeoutMs?: number;
}

/**
 * Redis implementation, shared by every API instance: one key per jti with `EXAT` = token expiry + clock
 * tolerance, one
 * key per changed user. When Redis does not answer, reads fail open (logged, throttled): access tokens
 * are short-lived and a Redis outage must not lock every user out; writes reject.
 */
export function createRedisTokenDenyList(options: RedisTokenDenyListOptions): TokenDenyList {
  const { client } = options;
  const denyKey = (jti: string) => `${options.keyPrefix}auth:deny:${jti}`;
  const userKey = (id: string) => `${options.keyPrefix}auth:user-changed:${id}`;
  const timeoutMs = options.timeoutMs ?? 500;
  const warn = createThrottledWarn(options.logger);
  const failOpen = (err: unknown) =>
    warn({ code: (err as { code?: string }).code ?? 'timeout' }, 'token deny-list unavailable: failing open');
  return {
    async deny(jti, expiresAt) {
      const until = expiresAt + CLOCK_TOLERANCE_SECONDS;
      if (until * 1000 <= Date.now()) return;
      await client.set(denyKey(jti), '1', 'EXAT', until);
    },
    async isDenied(jti) {
      try {
        return (await withTimeout(client.exists(denyKey(jti)), timeoutMs)) === 1;
      } catch (err) {
        failOpen(err);
        return false;
      }
    },
    async markUserChanged(userId, atMs, ttlSeconds) {
      await client.set(userKey(userId), String(atMs), 'EX', ttlSeconds);
    },
    async check(jti, userId) {
      try {
        const [denied, changed] = await withTimeout(client.mget(denyKey(jti), userKey(userId)), timeoutMs);
        return { denied: denied != null, userChangedAt: changed ? Number(changed) : null };
      } catch (err) {
        failOpen(err);
        return { denied: false, userChangedAt: null };
      }
    },
  };
}

/**
 * In-process implementation (embedded mode). Expired entries are swept every `sweepEvery` writes, so
 * memory stays bounded by what was revoked within one token lifetime.
 */
export function createMemoryTokenDenyList(options: { now?: () => number; sweepEvery?: number } = {}): TokenDenyList {
  const now = options.now ?? Date.now;
  const sweepEvery = options.sweepEvery ?? 256;
  const denied = new Map<string, number>();
  const changed = new Map<string, { at: number; until: number }>();
  let writes = 0;
  const sweep = (t: number) => {
    if (++writes % sweepEvery !== 0) return;
    for (const [k, exp] of denied) if (exp <= t) denied.delete(k);
    for (const [k, e] of changed) if (e.until <= t) changed.delete(k);
  };
  const isDenied = (jti: string): boolean => {
    const exp = denied.get(jti);
    if (exp === undefined) return false;
    if (exp > now()) return true;
    denied.delete(jti);
    return false;
  };
  return {
    async deny(jti, expiresAt) {
      const t = now();
      const until = (expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000;
      if (until <= t) return;
      denied.set(jti, until);
      sweep(t);
    },
    async isDenied(jti) {
      return isDenied(jti);
    },
    async markUserChanged(userId, atMs, ttlSeconds) {
      const t = now();
      changed.set(userId, { at: atMs, until: t + ttlSeconds * 1000 });
      sweep(t);
    },
    async check(jti, userId) {
      const e = changed.get(userId);
      return { denied: isDenied(jti), userChangedAt: e && e.until > now() ? e.at : null };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
