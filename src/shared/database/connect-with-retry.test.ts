import { describe, expect, it } from 'vitest';
import { connectWithRetry, DatabaseUnreachableError } from './connect-with-retry.js';
import type { DatabaseHandle } from './create-database.js';

/** A handle whose ping fails `failures` times, then succeeds. */
function flakyHandle(failures: number): { handle: DatabaseHandle; calls: () => number } {
  let calls = 0;
  const prisma = {
    $queryRawUnsafe: async () => {
      calls++;
      if (calls <= failures) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return [];
    },
  };
  return {
    handle: { prisma, provider: 'postgresql', close: async () => undefined } as unknown as DatabaseHandle,
    calls: () => calls,
  };
}

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps };
}

describe('connectWithRetry', () => {
  it('retries with exponential backoff until the database answers', async () => {
    const { handle, calls } = flakyHandle(4);
    const clock = fakeClock();
    await connectWithRetry(handle, {
      url: 'postgresql://u:p@h:5432/d',
      timeoutMs: 15_000,
      initialDelayMs: 250,
      ...clock,
    });
    expect(calls()).toBe(5);
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('gives up after the time budget with host, port, database and cause, never the password', async () => {
    const { handle } = flakyHandle(Infinity);
    const clock = fakeClock();
    const err = await connectWithRetry(handle, {
      url: 'postgresql://u:topsecret@db.local:6543/kb',
      timeoutMs: 15_000,
      ...clock,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    const message = (err as Error).message;
    expect(message).toContain('host=db.local port=6543 database=kb');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('topsecret');
    expect(clock.now()).toBe(15_000);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(4_000);
  });
});
