import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id parameters (OWASP Password Storage Cheat Sheet, 2024: m=19 MiB, t=2, p=1).
 * Changing them only affects new hashes: the PHC string stores the parameters each hash was made with.
 */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: Algorithm.Argon2id,
  /** Memory cost in KiB (19 MiB). */
  memoryCost: 19_456,
  /** Iterations. */
  timeCost: 2,
  parallelism: 1,
  /** Hash length in bytes. */
  outputLen: 32,
});

/** Accepted password length in characters (DESIGN: 8..1024; the upper bound caps hashing cost). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

export interface PasswordHasher {
  /** Hashes a password into a PHC string (`$argon2id$v=19$m=…`). */
  hash(password: string): Promise<string>;
  /**
   * Compares in constant time (argon2 recomputes and compares the digests).
   * With `storedHash` null (unknown user or no password) a dummy hash is verified instead, so the
   * call costs the same time and always answers false.
   */
  verify(storedHash: string | null, password: string): Promise<boolean>;
}

/**
 * Creates the argon2id hasher. Computes one dummy hash up front (about 20-40 ms) for `verify(null, …)`.
 * @param params overrides for tests and benchmarks (never lower them in production).
 */
export async function createPasswordHasher(params: Partial<typeof ARGON2_PARAMS> = {}): Promise<PasswordHasher> {
  const options = { ...ARGON2_PARAMS, ...params };
  const dummy = await hash('pharos-dummy-password-for-timing', options);
  return {
    hash: (password) => hash(password, options),
    async verify(storedHash, password) {
      if (storedHash === null) {
        await verify(dummy, password).catch(() => false);
        return false;
      }
      try {
        return await verify(storedHash, password);
      } catch {
        return false;
      }
    },
  };
}
