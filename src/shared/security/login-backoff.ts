import { defineScript, type Redis } from '../redis/index.js';
import { withTimeout } from '../with-timeout.js';

/**
 * Exponential backoff per account, across every client address: the first `freeAttempts` attempts in a
 * quiet period go through at once; after that each attempt makes the next one wait 1 s, 2 s, 4 s… (at most
 * `maxDelayMs`). The counter is forgotten `windowMs` after the last attempt, or at once on `reset`.
 */
export interface LoginBackoff {
  /**
   * Records an attempt on `key` if one is allowed now (atomically: parallel attempts each count).
   * @returns 0 when the attempt may go ahead, else the milliseconds until one is allowed (nothing recorded).
   */
  attempt(key: string): Promise<number>;
  /** Forgets the key's attempts (after a successful login). */
  reset(key: string): Promise<void>;
}

export interface LoginBackoffOptions {
  readonly freeAttempts: number;
  readonly maxDelayMs: number;
  readonly windowMs: number;
}

const delayAfter = (n: number, o: LoginBackoffOptions): number =>
  n < o.freeAttempts ? 0 : Math.min(1000 * 2 ** (n - o.freeAttempts), o.maxDelayMs);

/**
 * In-process backoff (embedded mode, and the stand-in while Redis is down). Bounded: at most `maxEntries`
 * keys (expired ones are swept first, then the oldest go).
 */
export function createMemoryLoginBackoff(
  options: LoginBackoffOptions & { readonly now?: () => number; readonly maxEntries?: number },
): LoginBackoff {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, { n: number; nextAt: number; expiresAt: number }>();
  return {
    async attempt(key) {
      const t = now();
      let e = entries.get(key);
      if (e && e.expiresAt <= t) e = undefined;
      if (e && t < e.nextAt) return e.nextAt - t;
      const n = (e?.n ?? 0) + 1;
      const delay = delayAfter(n, options);
      entries.delete(key);
      if (entries.size >= maxEntries) for (const [k, v] of entries) if (v.expiresAt <= t) entries.delete(k);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { n, nextAt: t + delay, expiresAt: t + options.windowMs + delay });
      return 0;
    },
    async reset(key) {
      entries.delete(key);
    },
  };
}

// Redis time, not the instance's clock: every API instance then agrees on when the next attempt is allowed.
const ATTEMPT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if now < nextAt then return nextAt - now end
n = n + 1
local free = tonumber(ARGV[1])
local delay = 0
if n >= free then delay = math.min(1000 * 2 ^ (n - free), tonumber(ARGV[2])) end
delay = math.floor(delay)
redis.call('HSET', KEYS[1], 'n', n, 'next', now + delay)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + delay)
return 0
`;

/** A Redis answer slower than this counts as Redis being down (as for the session cache). */
const REDIS_TIMEOUT_MS = 500;

/**
 * Backoff shared by every API instance (one Lua script per attempt, so parallel attempts are counted
 * atomically). While Redis fails, an in-process backoff stands in (the limit then holds per instance).
 */
export function createRedisLoginBackoff(
  options: LoginBackoffOptions & { readonly client: Redis; readonly keyPrefix: string },
): LoginBackoff {
  const insurance = createMemoryLoginBackoff(options);
  const redisKey = (key: string) => `${options.keyPrefix}auth:login-backoff:${key}`;
  const attemptScript = defineScript(options.client, 'pharosLoginBackoff', ATTEMPT_SCRIPT, 1);
  return {
    async attempt(key) {
      try {
        const wait = await withTimeout(
          attemptScript(redisKey(key), options.freeAttempts, options.maxDelayMs, options.windowMs),
          REDIS_TIMEOUT_MS,
        );
        return Number(wait);
      } catch {
        return insurance.attempt(key);
      }
    },
    async reset(key) {
      await Promise.all([
        withTimeout(options.client.del(redisKey(key)), REDIS_TIMEOUT_MS).catch(() => 0),
        insurance.reset(key),
      ]);
    },
  };
}
