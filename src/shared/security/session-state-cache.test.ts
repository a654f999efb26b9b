import { describe, expect, it } from 'vitest';
import { createMemorySessionStateCache } from './session-state-cache.js';

describe('in-process session state cache', () => {
  it('caches live for its TTL, lets a revocation win over live, and forgets after expiry', async () => {
    let now = 1_000_000_000;
    const cache = createMemorySessionStateCache({ now: () => now, sweepEvery: 2 });
    expect((await cache.check('s', 'u')).session).toBeNull();
    await cache.rememberLive('u', 's', 5);
    expect((await cache.check('s', 'u')).session).toBe('live');
    await cache.markRevoked('u', ['s'], now / 1000 + 60);
    await cache.rememberLive('u', 's', 5);
    expect((await cache.check('s', 'u')).session).toBe('revoked');
    await cache.rememberLive('u', 'other', 5);
    now += 5_000;
    expect((await cache.check('other', 'u')).session).toBeNull();
    expect((await cache.check('s', 'u')).session).toBe('revoked');
    now += 61_000;
    expect((await cache.check('s', 'u')).session).toBeNull();
  });

  it('rememberLive with a TTL of 0 caches nothing; user markers expire', async () => {
    let now = 1_000_000_000;
    const cache = createMemorySessionStateCache({ now: () => now });
    await cache.rememberLive('u', 's', 0);
    expect((await cache.check('s', 'u')).session).toBeNull();
    await cache.markUserChanged('u', now, 10);
    expect((await cache.check('s', 'u')).userChangedAt).toBe(now);
    now += 10_000;
    expect((await cache.check('s', 'u')).userChangedAt).toBeNull();
  });
});
