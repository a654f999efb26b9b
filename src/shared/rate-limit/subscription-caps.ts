import type { Redis } from 'ioredis';
import type { RequestContext } from '../context.js';
import { AppError } from '../errors.js';
import { createThrottledWarn, type Logger } from '../logger.js';
import type { Tier } from './types.js';
import { defineScript } from '../redis/index.js';

// Acquire one lease in a per-user sorted set (score = lease expiry) if fewer than the cap are live.
// KEYS[1] set; ARGV: now ms, lease expiry ms, member, cap. Reply: live count after (or -1 when full).
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local live = redis.call('ZCARD', KEYS[1])
if live >= tonumber(ARGV[4]) then return -1 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return live + 1
`;

export interface SubscriptionCapsOptions {
  /** Concurrent subscriptions per user by tier; null = unlimited (config.rateLimit.maxSubscriptions). */
  readonly caps: Readonly<Record<Tier, number | null>>;
  readonly logger: Logger;
  /** Shared Redis (distributed mode); omit for an in-process count (embedded mode). */
  readonly redis?: { readonly client: Redis; readonly prefix: string } | null;
  /** Redis leases expire after this long unless renewed (default 60 s): a crashed instance's slots free themselves. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

export interface SubscriptionCaps {
  /** Takes a slot for the subscription of `ctx` or throws RATE_LIMITED (`extensions: { limit, reason }`). */
  acquire(ctx: RequestContext): Promise<void>;
  /** Frees the slot of `ctx` (idempotent). */
  release(ctx: RequestContext): Promise<void>;
  /** Stops renewing leases. */
  close(): Promise<void>;
}

/**
 * Caps concurrent subscriptions per user and tier. In Redis each live subscription is a lease renewed by
 * the instance serving it (every leaseMs / 3), so the cap holds across API instances and slots of a dead
 * instance expire. When Redis is unreachable the cap is not enforced (fail open, throttled warning).
 */
export function createSubscriptionCaps(options: SubscriptionCapsOptions): SubscriptionCaps {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(leaseMs >= 1_000)) throw new TypeError('leaseMs must be at least 1000');
  const warn = createThrottledWarn(options.logger);
  const held = new Map<string, string>();
  const local = new Map<string, Set<string>>();
  const redis = options.redis ?? null;
  const acquireScript = redis ? defineScript(redis.client, 'pharosAcquireSubscription', ACQUIRE, 1) : null;

  const renew = async (): Promise<void> => {
    if (!redis || held.size === 0 || redis.client.status !== 'ready') return;
    const pipeline = redis.client.pipeline();
    const expiry = now() + leaseMs;
    for (const [member, key] of held) {
      pipeline.zadd(key, 'XX', expiry, member);
      pipeline.pexpireat(key, expiry);
    }
    await pipeline.exec();
  };
  const timer = redis
    ? setInterval(
        () => renew().catch((err: Error) => warn({ cause: err.message }, 'could not renew subscription leases')),
        Math.floor(leaseMs / 3),
      )
    : null;
  timer?.unref();

  const refuse = (limit: number): AppError =>
    new AppError('RATE_LIMITED', `Too many concurrent subscriptions (the limit is ${limit})`, {
      extensions: { limit, reason: 'CONCURRENT_SUBSCRIPTIONS' },
    });

  return {
    async acquire(ctx) {
      const viewer = ctx.viewer;
      if (!viewer) return;
      const cap = options.caps[viewer.tier];
      if (cap === null) return;
      const member = ctx.requestId;
      if (!redis) {
        const set = local.get(viewer.userId) ?? new Set<string>();
        if (set.size >= cap) {
          ctx.logger.warn({ userId: viewer.userId, tier: viewer.tier, limit: cap }, 'subscription cap reached');
          throw refuse(cap);
        }
        set.add(member);
        local.set(viewer.userId, set);
        return;
      }
      const key = `${redis.prefix}subs:{user:${viewer.userId}}`;
      let live: number;
      try {
        if (redis.client.status !== 'ready') throw new Error(`redis not ready (${redis.client.status})`);
        const t = now();
        live = Number(await acquireScript!(key, t, t + leaseMs, member, cap));
      } catch (err) {
        warn(
          { cause: err instanceof Error ? err.message : String(err) },
          'subscription cap store unavailable: not enforced (fail open)',
        );
        return;
      }
      if (live < 0) {
        ctx.logger.warn({ userId: viewer.userId, tier: viewer.tier, limit: cap }, 'subscription cap reached');
        throw refuse(cap);
      }
      held.set(member, key);
    },
    async release(ctx) {
      const member = ctx.requestId;
      if (!redis) {
        const userId = ctx.viewer?.userId;
        const set = userId ? local.get(userId) : undefined;
        if (set?.delete(member) && set.size === 0 && userId) local.delete(userId);
        return;
      }
      const key = held.get(member);
      if (!key) return;
      held.delete(member);
      try {
        if (redis.client.status === 'ready') await redis.client.zrem(key, member);
      } catch (err) {
        warn(
          { cause: err instanceof Error ? err.message : String(err) },
          'could not release a subscription lease (it expires by itself)',
        );
      }
    },
    async close() {
      if (timer) clearInterval(timer);
    },
  };
}
