import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Tier } from '../../config/index.js';
import { testRedisUrl, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../logger.js';
import { openRedis } from '../redis/index.js';
import { createMemorySlidingWindowStore } from './memory-store.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRedisSlidingWindowStore } from './redis-store.js';
import { windowLimits, type SlidingWindowStore, type WindowLimit } from './types.js';

const logger = createLogger({ level: 'silent' });
const redis = openRedis({ url: testRedisUrl(), name: 'test:sliding-window', logger });
beforeAll(() => ready(redis.client));
afterAll(() => redis.close());

function ready(client: Redis): Promise<void> {
  return new Promise((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())));
}

const stores: Array<[string, () => SlidingWindowStore]> = [
  ['memory', () => createMemorySlidingWindowStore()],
  ['redis', () => createRedisSlidingWindowStore({ client: redis.client, prefix: `${uniqueId('rl')}:` })],
];

// A moment just before a whole-day boundary, so every fixed minute, hour and day window starts anew 1 s later.
const DAY = 86_400_000;
const T0 = Math.floor(Date.now() / DAY) * DAY + DAY - 1_000;
const tiers = loadConfig({}).rateLimit.tiers;

function limiterAt(store: SlidingWindowStore, start = T0) {
  const clock = { t: start };
  const limiter = createRateLimiter({ store, logger, now: () => clock.t });
  return { clock, limiter };
}

describe.each(stores)('sliding window (%s store)', (_name, makeStore) => {
  describe.each(['FREE', 'PREMIUM'] as Tier[])('%s defaults', (tier) => {
    const limits = windowLimits(tiers[tier]);
    const perMinute = tiers[tier].perMinute!;
    const perHour = tiers[tier].perHour!;
    const perDay = tiers[tier].perDay!;

    it('enforces the per-minute budget', async () => {
      const { limiter } = limiterAt(makeStore());
      expect((await limiter.consume('u', perMinute, limits)).allowed).toBe(true);
      const refused = await limiter.consume('u', 1, limits);
      expect(refused).toMatchObject({
        allowed: false,
        blocking: { window: 'MINUTE', limit: perMinute, used: perMinute, remaining: 0 },
      });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(61);
    });

    // Full-minute charges 61 s apart: a slice counts until its END leaves the window (up to 1 s early).
    it('enforces the per-hour budget across minutes', async () => {
      const { clock, limiter } = limiterAt(makeStore());
      for (let m = 0; m < perHour / perMinute; m++) {
        expect((await limiter.consume('u', perMinute, limits)).allowed).toBe(true);
        clock.t += 61_000;
      }
      const refused = await limiter.consume('u', 1, limits);
      expect(refused).toMatchObject({ allowed: false, blocking: { window: 'HOUR', limit: perHour, used: perHour } });
      expect(refused.windows.find((w) => w.window === 'MINUTE')?.used).toBe(0);
    });

    it('enforces the per-day budget across hours', async () => {
      const { clock, limiter } = limiterAt(makeStore());
      for (let h = 0; h < perDay / perHour; h++) {
        const hourStart = clock.t;
        for (let m = 0; m < perHour / perMinute; m++) {
          expect((await limiter.consume('u', perMinute, limits)).allowed).toBe(true);
          clock.t += 61_000;
        }
        clock.t = hourStart + 3_600_000 + 120_000;
      }
      const refused = await limiter.consume('u', 1, limits);
      expect(refused).toMatchObject({ allowed: false, blocking: { window: 'DAY', limit: perDay, used: perDay } });
      expect(refused.retryAfterSeconds).toBeGreaterThan(3_600);
    });
  });

  it('never limits an unlimited (ADMIN default) tier, but still counts', async () => {
    const { limiter } = limiterAt(makeStore());
    const limits = windowLimits(tiers.ADMIN);
    for (let i = 0; i < 3; i++) expect((await limiter.consume('admin', 1_000_000, limits)).allowed).toBe(true);
    const status = await limiter.peek('admin', limits);
    expect(status.windows.map((w) => [w.window, w.limit, w.used, w.remaining])).toEqual([
      ['MINUTE', null, 3_000_000, null],
      ['HOUR', null, 3_000_000, null],
      ['DAY', null, 3_000_000, null],
    ]);
  });

  it('enforces a configured ADMIN limit', async () => {
    const { limiter } = limiterAt(makeStore());
    const limits = windowLimits(loadConfig({ RATE_LIMIT_ADMIN_PER_MINUTE: '5' }).rateLimit.tiers.ADMIN);
    expect((await limiter.consume('admin', 5, limits)).allowed).toBe(true);
    expect(await limiter.consume('admin', 1, limits)).toMatchObject({
      allowed: false,
      blocking: { window: 'MINUTE', limit: 5 },
    });
  });

  it('refuses a burst just after a fixed-window edge (no double burst)', async () => {
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 100 }];
    const { clock, limiter } = limiterAt(makeStore(), T0 + 500); // 0.5 s before the minute edge
    expect((await limiter.consume('u', 100, limits)).allowed).toBe(true);
    clock.t = T0 + 1_500; // 0.5 s after the edge: a fixed window would start from 0 here
    const refused = await limiter.consume('u', 1, limits);
    expect(refused.allowed).toBe(false);
    // The burst sits in the slice [T0, T0+1000), counted until T0+1000+60000.
    expect(refused.retryAfterSeconds).toBe(60);
    clock.t = T0 + 1_000 + 59_999;
    expect((await limiter.consume('u', 1, limits)).allowed).toBe(false);
    clock.t = T0 + 1_000 + 60_000; // the slice has left the window
    expect((await limiter.consume('u', 100, limits)).allowed).toBe(true);
  });

  it('refused charges cost nothing, and cheaper operations still fit', async () => {
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 10 }];
    const { limiter } = limiterAt(makeStore());
    expect((await limiter.consume('u', 7, limits)).allowed).toBe(true);
    expect((await limiter.consume('u', 5, limits)).allowed).toBe(false);
    expect(await limiter.consume('u', 3, limits)).toMatchObject({
      allowed: true,
      windows: [{ used: 10, remaining: 0 }],
    });
  });

  it('keys are independent', async () => {
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 1 }];
    const { limiter } = limiterAt(makeStore());
    expect((await limiter.consume('a', 1, limits)).allowed).toBe(true);
    expect((await limiter.consume('b', 1, limits)).allowed).toBe(true);
    expect((await limiter.consume('a', 1, limits)).allowed).toBe(false);
  });

  it('reports used, remaining and resetAt; peek charges nothing', async () => {
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 10 }];
    const { clock, limiter } = limiterAt(makeStore(), T0 + 1_250);
    const empty = await limiter.peek('u', limits);
    expect(empty.windows[0]).toEqual({ window: 'MINUTE', limit: 10, used: 0, remaining: 10, resetAt: T0 + 1_250 });
    await limiter.consume('u', 4, limits);
    clock.t += 10_000;
    const after = await limiter.peek('u', limits);
    // The charge sits in the slice [T0+1000, T0+2000), which stops counting at T0+2000+60000.
    expect(after.windows[0]).toEqual({ window: 'MINUTE', limit: 10, used: 4, remaining: 6, resetAt: T0 + 62_000 });
    expect((await limiter.peek('u', limits)).windows[0]?.used).toBe(4);
  });

  it('never lets any 60 s span exceed the limit under random traffic, yet uses most of the budget', async () => {
    const limit = 50;
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit }];
    const { clock, limiter } = limiterAt(makeStore(), T0 + 123);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const accepted: Array<[number, number]> = [];
    const end = clock.t + 10 * 60_000;
    while (clock.t < end) {
      const cost = 1 + Math.floor(random() * 5);
      if ((await limiter.consume('u', cost, limits)).allowed) accepted.push([clock.t, cost]);
      clock.t += Math.floor(random() * 400);
    }
    for (const [t] of accepted) {
      const inSpan = accepted.filter(([u]) => u > t - 60_000 && u <= t).reduce((sum, [, c]) => sum + c, 0);
      expect(inSpan).toBeLessThanOrEqual(limit);
    }
    const total = accepted.reduce((sum, [, c]) => sum + c, 0);
    expect(total).toBeGreaterThanOrEqual(10 * limit * 0.9);
  });
});

describe('redis store', () => {
  it('two stores (API instances) on one Redis share one budget', async () => {
    const prefix = `${uniqueId('rl')}:`;
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 10 }];
    const a = limiterAt(createRedisSlidingWindowStore({ client: redis.client, prefix }));
    const other = openRedis({ url: testRedisUrl(), name: 'test:sliding-window:b', logger });
    try {
      const b = limiterAt(createRedisSlidingWindowStore({ client: other.client, prefix }));
      await ready(other.client);
      expect((await a.limiter.consume('u', 6, limits)).allowed).toBe(true);
      expect(await b.limiter.consume('u', 5, limits)).toMatchObject({ allowed: false, windows: [{ used: 6 }] });
      expect((await b.limiter.consume('u', 4, limits)).allowed).toBe(true);
      expect((await a.limiter.consume('u', 1, limits)).allowed).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('keeps at most 61 slices per window and lets idle keys expire', async () => {
    const prefix = `${uniqueId('rl')}:`;
    const { clock, limiter } = limiterAt(createRedisSlidingWindowStore({ client: redis.client, prefix }));
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 1_000 }];
    for (let i = 0; i < 300; i++) {
      await limiter.consume('u', 1, limits);
      clock.t += 700;
    }
    const key = `${prefix}{u}:MINUTE`;
    expect(await redis.client.hlen(key)).toBeLessThanOrEqual(61);
    const ttl = await redis.client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(62_000);
  });
});
