import { describe, expect, it } from 'vitest';
import { createMemoryOAuthStateStore, type OAuthStateRecord } from '../../src/shared/oauth2/index.js';

const record = (createdAt: number): OAuthStateRecord => ({
  provider: 'GOOGLE',
  redirectUri: 'http://127.0.0.1/cb',
  codeVerifier: 'v',
  nonce: null,
  bindingHash: 'h',
  createdAt,
});

describe('in-process OAuth state store bounds', () => {
  it('never holds more than maxEntries: expired states go first, then the oldest', async () => {
    let now = 1_000_000;
    const store = createMemoryOAuthStateStore({ now: () => now, maxEntries: 4, sweepEvery: 4 });
    await store.put('short', record(now), 1);
    await store.put('a', record(now), 600);
    await store.put('b', record(now), 600);
    await store.put('c', record(now), 600);
    now += 2_000; // 'short' has expired; the store is full.
    await store.put('d', record(now), 600);
    // The expired state made room: every live one is still there.
    for (const s of ['a', 'b', 'c', 'd']) expect(await store.take(s), s).not.toBeNull();

    for (const s of ['e', 'f', 'g', 'h', 'i']) await store.put(s, record(now), 600);
    // Full of live states: the oldest ('e') was evicted.
    expect(await store.take('e')).toBeNull();
    for (const s of ['f', 'g', 'h', 'i']) expect(await store.take(s), s).not.toBeNull();
  });

  it('stays bounded under a flood of puts and keeps single-use semantics', async () => {
    const store = createMemoryOAuthStateStore({ maxEntries: 1_000 });
    for (let i = 0; i < 20_000; i++) await store.put(`s${i}`, record(i), 600);
    let kept = 0;
    for (let i = 0; i < 20_000; i++) if (await store.take(`s${i}`)) kept++;
    expect(kept).toBe(1_000);
    expect(await store.take('s19999')).toBeNull();
  });

  it('periodic sweeps drop expired states', async () => {
    let now = 0;
    const store = createMemoryOAuthStateStore({ now: () => now, maxEntries: 10_000, sweepEvery: 100 });
    for (let i = 0; i < 5_000; i++) await store.put(`old${i}`, record(now), 1);
    now += 2_000;
    for (let i = 0; i < 5_000; i++) await store.put(`new${i}`, record(now), 600);
    // Nothing was evicted for room: the sweeps removed the 5,000 expired states first.
    expect(await store.take('old0')).toBeNull();
    for (const i of [0, 2_500, 4_999]) expect(await store.take(`new${i}`)).not.toBeNull();
  });
});
