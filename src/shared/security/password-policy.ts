import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-hasher.js';

/** Why a new password was refused (`extensions.reason` of the BAD_USER_INPUT error). */
export type PasswordRejection = 'invalid_characters' | 'too_short' | 'too_long' | 'common' | 'contains_email';

export type PasswordCheck =
  | { readonly ok: true; /** The NFKC form: what is hashed and verified. */ readonly password: string }
  | { readonly ok: false; readonly reason: PasswordRejection; readonly message: string };

export interface PasswordPolicy {
  /**
   * NIST SP 800-63B §3.1.1.2 for a new password: NFKC-normalised, 8 to 1024 code points, no unpaired
   * UTF-16 surrogate, not among the common passwords (compared case-insensitively) and not containing the
   * account's email address or its local part. Never throws.
   */
  check(password: string, context: { readonly email: string }): PasswordCheck;
  /** How many common passwords are refused. */
  readonly commonPasswordCount: number;
}

/**
 * The NFKC form of a password, or null when it holds an unpaired UTF-16 surrogate. Such a string has no
 * UTF-8 encoding: the hasher would replace every lone surrogate by U+FFFD, so `\ud800` and `\udbff`
 * would be the same password.
 */
export function normalizePassword(password: string): string | null {
  return /\p{Cs}/u.test(password) ? null : password.normalize('NFKC');
}

/**
 * Builds the policy with the common-password list of `@zxcvbn-ts/language-common` (MIT; about 49,000
 * passwords ranked from leaked-password corpora, of which about 18,000 have 8 characters or more).
 * Building the set takes about 30 ms; do it once (composition root).
 */
export function createPasswordPolicy(): PasswordPolicy {
  const common = new Set(dictionary['passwords-common'].map((p) => p.normalize('NFKC').toLowerCase()));
  return {
    commonPasswordCount: common.size,
    check(raw, context) {
      // NFKC can expand a code point up to 18 times: bound the input before normalising it.
      if (raw.length > PASSWORD_MAX_LENGTH * 2) return tooLong;
      const password = normalizePassword(raw);
      if (password === null)
        return {
          ok: false,
          reason: 'invalid_characters',
          message: 'Password contains invalid characters (an unpaired UTF-16 surrogate)',
        };
      const length = [...password].length;
      if (length < PASSWORD_MIN_LENGTH)
        return {
          ok: false,
          reason: 'too_short',
          message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters`,
        };
      if (length > PASSWORD_MAX_LENGTH) return tooLong;
      const folded = password.toLowerCase();
      if (common.has(folded))
        return {
          ok: false,
          reason: 'common',
          message: 'This password is one of the most commonly used passwords; choose another',
        };
      const email = context.email.normalize('NFKC').toLowerCase();
      const local = email.slice(0, email.lastIndexOf('@'));
      if (folded.includes(email) || (local.length >= 4 && folded.includes(local)))
        return { ok: false, reason: 'contains_email', message: 'Password must not contain your email address' };
      return { ok: true, password };
    },
  };
}

const tooLong: PasswordCheck = {
  ok: false,
  reason: 'too_long',
  message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters`,
};
