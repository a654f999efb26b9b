import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  it('settles like the promise when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new RangeError('own')), 1_000)).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects with TimeoutError naming what timed out, and leaves no timer behind', async () => {
    const never = new Promise<never>(() => undefined);
    const err = await withTimeout(never, 20, 'probe timed out').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('probe timed out');
    // A settled race must clear its timer (a 60 s timer left behind would hold the process open).
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await withTimeout(Promise.resolve(1), 60_000);
    expect(timers()).toBe(before);
  });
});
