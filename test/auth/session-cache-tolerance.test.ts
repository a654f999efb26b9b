import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { openRedis } from '../../src/shared/redis/index.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  createMemorySessionStateCache,
  createRedisSessionStateCache,
} from '../../src/shared/security/index.js';
import { testRedisUrl } from '../support/services.js';

// A token is still accepted up to CLOCK_TOLERANCE_SECONDS after `exp`: a cached revocation must outlive that.
describe('cached session revocations outlive the tokens by the clock tolerance', () => {
  const redis = openRedis({
    url: testRedisUrl(),
    name: 'session-cache-tolerance',
    logger: createLogger({ level: 'silent' }),
  });
  afterAll(() => redis.close());

  it('in process: revoked during the tolerance after exp, forgotten (a miss, not "live") after it', async () => {
    let now = 2_000_000_000_000;
    const cache = createMemorySessionStateCache({ now: () => now });
    const exp = now / 1000 + 10;
    await cache.markRevoked('u', ['s'], exp);
    now = (exp + CLOCK_TOLERANCE_SECONDS - 1) * 1000;
    expect((await cache.check('s', 'u')).session).toBe('revoked');
    now = (exp + CLOCK_TOLERANCE_SECONDS) * 1000;
    expect((await cache.check('s', 'u')).session).toBeNull();
  });

  it('Redis: the key expires at exp + tolerance; "live" never replaces "revoked"', async () => {
    const keyPrefix = `${randomUUID()}:`;
    const cache = createRedisSessionStateCache({
      client: redis.client,
      keyPrefix,
      logger: createLogger({ level: 'silent' }),
    });
    const exp = Math.floor(Date.now() / 1000) + 60;
    await cache.rememberLive('u', 'a', 30);
    expect((await cache.check('a', 'u')).session).toBe('live');
    await cache.markRevoked('u', ['a'], exp);
    expect(await redis.client.expiretime(`${keyPrefix}auth:session:u:a`)).toBe(exp + CLOCK_TOLERANCE_SECONDS);
    await cache.rememberLive('u', 'a', 30);
    expect((await cache.check('a', 'u')).session).toBe('revoked');
    await cache.markRevoked('u', ['late'], Math.floor(Date.now() / 1000) - 2);
    expect((await cache.check('late', 'u')).session).toBe('revoked');
  });
});
