import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, createPasswordHasher } from './password-hasher.js';

describe('password hasher', () => {
  it('hashes with argon2id and the documented parameters, and verifies', async () => {
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(
      new RegExp(
        `^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}\\$`,
      ),
    );
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapl')).toBe(false);
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
  });

  it('an unknown user (no hash) costs about as much as a wrong password', async () => {
    const hasher = await createPasswordHasher();
    const hash = await hasher.hash('the real password');
    // Interleaved samples, so load from other test files slows both cases alike; medians of 15.
    const wrongSamples: number[] = [];
    const unknownSamples: number[] = [];
    const timed = async (fn: () => Promise<unknown>, into: number[]) => {
      const t = process.hrtime.bigint();
      await fn();
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
    };
    for (let i = 0; i < 15; i++) {
      await timed(() => hasher.verify(hash, 'a wrong password'), wrongSamples);
      await timed(() => hasher.verify(null, 'a wrong password'), unknownSamples);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong = median(wrongSamples);
    const unknown = median(unknownSamples);
    expect(await hasher.verify(null, 'the real password')).toBe(false);
    // Without the dummy hash the unknown case would take microseconds instead of milliseconds (ratio ~0.001).
    expect(unknown / wrong).toBeGreaterThan(0.25);
    expect(unknown / wrong).toBeLessThan(4);
  });
});
