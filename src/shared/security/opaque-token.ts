import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new opaque token: 32 random bytes, base64url (43 characters, 256 bits). */
export function randomOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a token, hex. Refresh tokens are stored only as this hash: they are 256-bit random values,
 * so a fast hash is enough (no dictionary to attack) and allows a unique-index lookup.
 */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time string comparison (false for different lengths without comparing contents). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
