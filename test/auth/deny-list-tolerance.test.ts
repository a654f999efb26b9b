import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { openRedis } from '../../src/shared/redis/index.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  createMemoryTokenDenyList,
  createRedisTokenDenyList,
} from '../../src/shared/security/index.js';
import { testRedisUrl } from '../support/services.js';

// A token is still accepted up to CLOCK_TOLERANCE_SECONDS after `exp`: its deny-list entry must outlive that.
describe('deny-list entries outlive the token by the clock tolerance', () => {
  const redis = openRedis({
    url: testRedisUrl(),
    name: 'deny-list-tolerance',
    logger: createLogger({ level: 'silent' }),
  });
  afterAll(() => redis.close());

  it('in process: denied during the tolerance after exp, forgotten after it', async () => {
    let now = 2_000_000_000_000;
    const list = createMemoryTokenDenyList({ now: () => now });
    const exp = now / 1000 + 10;
    await list.deny('jti', exp);
    now = (exp + CLOCK_TOLERANCE_SECONDS - 1) * 1000;
    expect(await list.isDenied('jti')).toBe(true);
    expect((await list.check('jti', 'u')).denied).toBe(true);
    now = (exp + CLOCK_TOLERANCE_SECONDS) * 1000;
    expect(await list.isDenied('jti')).toBe(false);
  });

  it('in process: a token that expired less than the tolerance ago is still denied', async () => {
    const now = 2_000_000_000_000;
    const list = createMemoryTokenDenyList({ now: () => now });
    await list.deny('late', now / 1000 - (CLOCK_TOLERANCE_SECONDS - 2));
    expect(await list.isDenied('late')).toBe(true);
  });

  it('Redis: the key expires at exp + tolerance, and a just-expired token is still denied', async () => {
    const keyPrefix = `${randomUUID()}:`;
    const list = createRedisTokenDenyList({
      client: redis.client,
      keyPrefix,
      logger: createLogger({ level: 'silent' }),
    });
    const exp = Math.floor(Date.now() / 1000) + 60;
    await list.deny('a', exp);
    expect(await redis.client.expiretime(`${keyPrefix}auth:deny:a`)).toBe(exp + CLOCK_TOLERANCE_SECONDS);
    await list.deny('late', Math.floor(Date.now() / 1000) - 2);
    expect(await list.isDenied('late')).toBe(true);
    expect((await list.check('late', 'u')).denied).toBe(true);
  });
});
