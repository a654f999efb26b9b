import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startExtraRedis, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../logger.js';
import { openRedis } from '../redis/index.js';
import { createRequestContext, type RequestContext } from '../context.js';
import { createRateLimiter, rateLimitHeaders } from './rate-limiter.js';
import { createRedisSlidingWindowStore } from './redis-store.js';
import { createSubscriptionCaps } from './subscription-caps.js';
import type { RateLimitDecision, WindowLimit } from './types.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { logger, lines };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ready = (client: Redis) => until('redis ready', () => client.status === 'ready');

describe('fail open', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('allows requests while Redis is down, warns at most every 10 s with a count, and enforces again when it returns', async () => {
    const server = await startExtraRedis();
    const { logger, lines } = capture();
    const redis = openRedis({ url: server.url, name: 'test:fail-open', logger: createLogger({ level: 'silent' }) });
    closers.push(() => redis.close());
    await ready(redis.client);
    const clock = { t: Date.now() };
    const limiter = createRateLimiter({
      store: createRedisSlidingWindowStore({ client: redis.client, prefix: `${uniqueId('rl')}:` }),
      logger,
      now: () => clock.t,
    });
    const limits: WindowLimit[] = [{ window: 'MINUTE', limit: 3 }];

    expect((await limiter.consume('u', 3, limits)).allowed).toBe(true);
    expect((await limiter.consume('u', 1, limits)).allowed).toBe(false);

    await server.stop();
    await until('client to notice', () => redis.client.status !== 'ready');
    const during: RateLimitDecision[] = [];
    for (let i = 0; i < 5; i++) during.push(await limiter.consume('u', 1, limits));
    expect(during.every((d) => d.allowed && d.degraded)).toBe(true);
    const warnings = () => lines.filter((l) => l.msg === 'rate-limit store unavailable: allowing requests (fail open)');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 40, skippedChecks: 1 });
    clock.t += 10_000;
    await limiter.consume('u', 1, limits);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toMatchObject({ skippedChecks: 6, skipped: 4 });

    await server.start();
    await ready(redis.client);
    // The restarted Redis is empty: the budget starts again and is enforced again, with no restart of ours.
    expect(await limiter.consume('u', 3, limits)).toMatchObject({ allowed: true, degraded: false });
    expect(await limiter.consume('u', 1, limits)).toMatchObject({ allowed: false, degraded: false });
    expect(
      lines.some((l) => l.msg === 'rate-limit store reachable again: limits enforced' && l.skippedChecks === 6),
    ).toBe(true);
  });
});

describe('rateLimitHeaders', () => {
  const decision = (windows: RateLimitDecision['windows']): RateLimitDecision => ({
    allowed: true,
    degraded: false,
    windows,
    blocking: null,
    retryAfterSeconds: 0,
  });
  it('describes the window with the fewest points remaining, Reset in unix seconds', () => {
    const headers = rateLimitHeaders(
      decision([
        { window: 'MINUTE', limit: 100, used: 10, remaining: 90, resetAt: 1_700_000_060_500 },
        { window: 'HOUR', limit: 1000, used: 950, remaining: 50, resetAt: 1_700_003_600_000 },
        { window: 'DAY', limit: null, used: 950, remaining: null, resetAt: 1_700_086_400_000 },
      ]),
    );
    expect(Object.fromEntries(headers)).toEqual({
      'X-RateLimit-Limit': '1000',
      'X-RateLimit-Remaining': '50',
      'X-RateLimit-Used': '950',
      'X-RateLimit-Reset': '1700003600',
      'X-RateLimit-Window': 'HOUR',
    });
  });
  it('is empty when every window is unlimited or the check was skipped', () => {
    expect(
      rateLimitHeaders(decision([{ window: 'MINUTE', limit: null, used: 1, remaining: null, resetAt: 0 }])),
    ).toEqual([]);
    expect(rateLimitHeaders(decision([]))).toEqual([]);
  });
});

describe('subscription caps', () => {
  const ctxFor = (userId: string, tier: 'FREE' | 'PREMIUM' | 'ADMIN' = 'FREE'): RequestContext =>
    createRequestContext({
      requestId: uniqueId('op'),
      logger: createLogger({ level: 'silent' }),
      transport: 'ws',
      ip: '127.0.0.1',
      userAgent: null,
      viewer: { userId, tier, tokenId: null, expiresAt: null },
      authError: null,
    });
  const caps = { FREE: 2, PREMIUM: 3, ADMIN: null };

  it('caps per user and tier in process, and frees a slot on release', async () => {
    const subs = createSubscriptionCaps({ caps, logger: createLogger({ level: 'silent' }) });
    const [a, b, c] = [ctxFor('u1'), ctxFor('u1'), ctxFor('u1')];
    await subs.acquire(a!);
    await subs.acquire(b!);
    await expect(subs.acquire(c!)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      extensions: { limit: 2, reason: 'CONCURRENT_SUBSCRIPTIONS' },
    });
    await subs.acquire(ctxFor('u2'));
    await subs.release(a!);
    await subs.release(a!);
    await subs.acquire(c!);
    await expect(subs.acquire(ctxFor('u1'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    for (let i = 0; i < 50; i++) await subs.acquire(ctxFor('boss', 'ADMIN'));
    await subs.close();
  });

  it("shares the cap across instances through Redis, and a dead instance's leases expire", async () => {
    const server = await startExtraRedis();
    const redis = openRedis({ url: server.url, name: 'test:caps', logger: createLogger({ level: 'silent' }) });
    closersForCaps.push(() => redis.close());
    await ready(redis.client);
    const prefix = `${uniqueId('rl')}:`;
    const clock = { t: Date.now() };
    const one = createSubscriptionCaps({
      caps,
      logger: createLogger({ level: 'silent' }),
      redis: { client: redis.client, prefix },
      leaseMs: 3_000,
      now: () => clock.t,
    });
    const two = createSubscriptionCaps({
      caps,
      logger: createLogger({ level: 'silent' }),
      redis: { client: redis.client, prefix },
      leaseMs: 3_000,
      now: () => clock.t,
    });
    const first = ctxFor('u1');
    await one.acquire(first);
    await two.acquire(ctxFor('u1'));
    await expect(one.acquire(ctxFor('u1'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await one.release(first);
    await one.acquire(ctxFor('u1'));
    await one.close();
    await two.close();
    clock.t += 3_001; // nobody renewed: both leases are stale
    await one.acquire(ctxFor('u1'));
    await one.acquire(ctxFor('u1'));

    await server.stop();
    await until('client to notice', () => redis.client.status !== 'ready');
    for (let i = 0; i < 5; i++) await one.acquire(ctxFor('u1')); // fail open
  });

  const closersForCaps: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closersForCaps.reverse()) await close();
  });
});
