import { describe, expect, it } from 'vitest';
import { createMemoryTokenDenyList } from './token-deny-list.js';

describe('in-process token deny-list', () => {
  it('denies until the token expiry plus the clock tolerance, then forgets', async () => {
    let now = 1_000_000_000;
    const list = createMemoryTokenDenyList({ now: () => now, sweepEvery: 2 });
    await list.deny('a', now / 1000 + 60);
    await list.deny('past', now / 1000 - 6);
    expect(await list.isDenied('a')).toBe(true);
    expect(await list.isDenied('past')).toBe(false);
    expect(await list.isDenied('other')).toBe(false);
    now += 60_001;
    expect(await list.isDenied('a')).toBe(true);
    now += 5_000;
    expect(await list.isDenied('a')).toBe(false);
  });
});
