import { z } from 'zod';
import { badInput } from '../../shared/errors.js';

const emailSchema = z.email();

/**
 * Emails are unique regardless of case: they are trimmed and lower-cased before every write and lookup,
 * so a plain unique index works on PostgreSQL and SQLite alike.
 * @throws AppError BAD_USER_INPUT (field `email`) when it is not an address.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 320 || !emailSchema.safeParse(email).success)
    throw badInput('email', 'Enter a valid email address');
  return email;
}
