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
    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t = process.hrtime.bigint();
        await fn();
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return samples.sort((a, b) => a - b)[3]!;
    };
    const wrong = await time(() => hasher.verify(hash, 'a wrong password'));
    const unknown = await time(() => hasher.verify(null, 'a wrong password'));
    expect(await hasher.verify(null, 'the real password')).toBe(false);
    // Without the dummy hash the unknown case would take microseconds instead of milliseconds.
    expect(unknown / wrong).toBeGreaterThan(0.4);
    expect(unknown / wrong).toBeLessThan(2.5);
  });
});
