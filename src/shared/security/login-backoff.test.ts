import { describe, expect, it } from 'vitest';
import { createMemoryLoginBackoff } from './login-backoff.js';

describe('createMemoryLoginBackoff', () => {
  it('lets the free attempts through, then doubles the wait (capped), and forgets after the window', async () => {
    let now = 0;
    const backoff = createMemoryLoginBackoff({ freeAttempts: 3, maxDelayMs: 8_000, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) expect(await backoff.attempt('a')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wait = await backoff.attempt('a');
      waits.push(wait);
      expect(await backoff.attempt('a')).toBe(wait); // refused attempts are not counted
      now += wait;
      expect(await backoff.attempt('a')).toBe(0);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(await backoff.attempt('b')).toBe(0);
    now += 8_000 + 60_000;
    expect(await backoff.attempt('a')).toBe(0);
    await backoff.reset('a');
    expect(await backoff.attempt('a')).toBe(0);
  });
});
