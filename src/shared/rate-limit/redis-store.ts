import type { Redis } from 'ioredis';
import { sliceMs } from './sliding-window.js';
import { SLICES_PER_WINDOW, type SlidingWindowStore, type StoreResult } from './types.js';
import { withTimeout } from '../with-timeout.js';
import { defineScript } from '../redis/index.js';

// The Redis twin of evaluateWindow() + the memory store, atomic because Redis runs a script alone.
// KEYS: one hash per window (field = slice index, value = points).
// ARGV: now ms, cost, slices per window, then per window: slice ms, limit (-1 = unlimited).
// Reply: allowed, then per window: used, resetAt, retryAt (-1 = fits, -2 = never fits).
const SCRIPT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local allowed = 1
local st = {}
for w = 1, #KEYS do
  local s = tonumber(ARGV[2 + 2 * w])
  local limit = tonumber(ARGV[3 + 2 * w])
  local cur = math.floor(now / s)
  local oldest = cur - n
  local flat = redis.call('HGETALL', KEYS[w])
  local used, newest, counted, stale = 0, nil, {}, {}
  for j = 1, #flat, 2 do
    local i = tonumber(flat[j])
    local p = tonumber(flat[j + 1])
    if i < oldest then
      stale[#stale + 1] = flat[j]
    else
      used = used + p
      counted[#counted + 1] = { i, p }
      if newest == nil or i > newest then newest = i end
    end
  end
  if #stale > 0 then redis.call('HDEL', KEYS[w], unpack(stale)) end
  local retry = -1
  if limit >= 0 and used + cost > limit then
    allowed = 0
    retry = -2
    if cost <= limit then
      table.sort(counted, function(a, b) return a[1] < b[1] end)
      local left = used
      for _, c in ipairs(counted) do
        left = left - c[2]
        if left + cost <= limit then
          retry = (c[1] + n + 1) * s
          break
        end
      end
    end
  end
  st[w] = { s = s, cur = cur, used = used, newest = newest, retry = retry }
end
local out = { allowed }
for w = 1, #KEYS do
  local x = st[w]
  local used, newest = x.used, x.newest
  if allowed == 1 and cost > 0 then
    redis.call('HINCRBY', KEYS[w], x.cur, cost)
    redis.call('PEXPIRE', KEYS[w], (n + 2) * x.s)
    used = used + cost
    newest = x.cur
  end
  local reset = now
  if newest ~= nil then reset = (newest + n + 1) * x.s end
  out[#out + 1] = used
  out[#out + 1] = reset
  out[#out + 1] = x.retry
end
return out
`;

export interface RedisStoreOptions {
  /** The caller's connection (not closed by the store). */
  readonly client: Redis;
  /** Key prefix, e.g. "pharos:rl:". Keys are `<prefix>{<key>}:<window>` (one hash slot per key). */
  readonly prefix: string;
  /** Give up on a check after this long (default 250 ms); the limiter then fails open. */
  readonly timeoutMs?: number;
}

/**
 * Sliding-window store in Redis, shared by every API instance: one Lua script checks and charges all
 * windows atomically (EVALSHA, re-sent automatically after a Redis restart). Memory per key: at most
 * 61 hash fields per window, each hash expiring one window after its last charge.
 * `consume` rejects at once when the connection is not ready, and after `timeoutMs`.
 */
export function createRedisSlidingWindowStore(options: RedisStoreOptions): SlidingWindowStore {
  const { client, prefix } = options;
  const timeoutMs = options.timeoutMs ?? 250;
  if (!prefix) throw new TypeError('prefix is required');
  if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be positive');
  const run = defineScript(client, 'pharosSlidingWindow', SCRIPT);

  return {
    async consume(key, cost, limits, nowMs): Promise<StoreResult> {
      if (client.status !== 'ready') throw new Error(`redis not ready (${client.status})`);
      const keys = limits.map((l) => `${prefix}{${key}}:${l.window}`);
      const args = [
        String(nowMs),
        String(cost),
        String(SLICES_PER_WINDOW),
        ...limits.flatMap((l) => [String(sliceMs(l.window)), String(l.limit ?? -1)]),
      ];
      const reply = (await withTimeout(
        run(keys.length, ...keys, ...args),
        timeoutMs,
        'rate-limit check timed out',
      )) as number[];
      return {
        allowed: reply[0] === 1,
        windows: limits.map((_, w) => {
          const retry = Number(reply[3 + 3 * w]);
          return {
            used: Number(reply[1 + 3 * w]),
            resetAt: Number(reply[2 + 3 * w]),
            retryAt: retry === -1 ? null : retry === -2 ? Infinity : retry,
          };
        }),
      };
    },
  };
}
