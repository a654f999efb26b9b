import { createSecretKey } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Secret, Tier } from '../../config/index.js';

/** Algorithms an access token may be signed with. Verification accepts only the configured one. */
export const ACCESS_TOKEN_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type AccessTokenAlgorithm = (typeof ACCESS_TOKEN_ALGORITHMS)[number];

/** At most this much clock difference is tolerated on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Claims of a verified access token. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly tier: Tier;
  readonly jti: string;
  /** The session (refresh-token family) the token belongs to: revoking the session revokes the token. */
  readonly sid: string;
  /** Issued at, unix seconds. */
  readonly iat: number;
  /** Expiry, unix seconds. */
  readonly exp: number;
}

/** Why a token was refused (logged as the security-log reason; never shown to clients in detail). */
export type TokenFailure =
  | 'malformed'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'lifetime_too_long'
  | 'bad_issuer'
  | 'bad_audience'
  | 'bad_type'
  | 'bad_claims';

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenFailure };

export interface AccessTokenCodecOptions {
  readonly secret: Secret;
  readonly algorithm: AccessTokenAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime in seconds: what `sign` gives, and the most `verify` accepts (`exp - iat`, and the age since `iat`). */
  readonly ttlSeconds: number;
  /** Clock in ms (tests). Default Date.now. */
  readonly now?: () => number;
}

export interface AccessTokenCodec {
  readonly ttlSeconds: number;
  /** Signs `{ sub, tier, sid, type: "access", jti, iat, exp, iss, aud }`. */
  sign(claims: { sub: string; tier: Tier; jti: string; sid: string }): Promise<{ token: string; expiresAt: number }>;
  /**
   * Checks signature, algorithm, exp/nbf/iat (5 s tolerance; `iat` not in the future, lifetime `exp - iat`
   * at most `ttlSeconds`), iss, aud, required claims and `type: "access"`. Never throws.
   */
  verify(token: string): Promise<VerifyResult>;
}

const TIER_VALUES = new Set<string>(['FREE', 'PREMIUM', 'ADMIN']);

/**
 * HMAC access tokens with jose.
 * @throws TypeError for an unknown algorithm or an empty secret (wiring mistakes).
 */
export function createAccessTokenCodec(options: AccessTokenCodecOptions): AccessTokenCodec {
  if (!ACCESS_TOKEN_ALGORITHMS.includes(options.algorithm))
    throw new TypeError(`unsupported JWT algorithm ${String(options.algorithm)}`);
  if (options.secret.byteLength === 0) throw new TypeError('JWT secret must not be empty');
  // A KeyObject is imported once; passing raw bytes makes jose import the key on every call.
  const key = createSecretKey(Buffer.from(options.secret.reveal(), 'utf8'));
  const now = options.now ?? Date.now;
  const verifyOptions = {
    algorithms: [options.algorithm],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    // `sid` is required: a token without a session could not be revoked by logout (tokens issued before
    // sessions existed are refused; their holders refresh).
    requiredClaims: ['sub', 'jti', 'iat', 'exp', 'type', 'tier', 'sid'],
    // With maxTokenAge jose also refuses an `iat` in the future (beyond the tolerance): a token "issued"
    // later than now was minted with a wrong clock or by someone holding the key, and would outlive the
    // configured lifetime.
    maxTokenAge: options.ttlSeconds,
  };
  return {
    ttlSeconds: options.ttlSeconds,
    async sign(claims) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + options.ttlSeconds;
      const token = await new SignJWT({ tier: claims.tier, type: 'access', sid: claims.sid })
        .setProtectedHeader({ alg: options.algorithm, typ: 'JWT' })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .sign(key);
      return { token, expiresAt: exp };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { ...verifyOptions, currentDate: new Date(now()) });
        if (payload.type !== 'access') return { ok: false, reason: 'bad_type' };
        // A lifetime above the configured one (a token minted by hand, or under an older, longer setting).
        if (payload.exp! - payload.iat! > options.ttlSeconds) return { ok: false, reason: 'lifetime_too_long' };
        if (
          typeof payload.tier !== 'string' ||
          !TIER_VALUES.has(payload.tier) ||
          typeof payload.sub !== 'string' ||
          typeof payload.jti !== 'string' ||
          typeof payload.sid !== 'string' ||
          payload.sid === ''
        ) {
          return { ok: false, reason: 'bad_claims' };
        }
        return {
          ok: true,
          claims: {
            sub: payload.sub,
            tier: payload.tier as Tier,
            jti: payload.jti,
            sid: payload.sid,
            iat: payload.iat!,
            exp: payload.exp!,
          },
        };
      } catch (err) {
        return { ok: false, reason: classify(err) };
      }
    },
  };
}

function classify(err: unknown): TokenFailure {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'not_yet_valid';
    if (err.claim === 'iat') return 'issued_in_future';
    if (err.claim === 'iss') return 'bad_issuer';
    if (err.claim === 'aud') return 'bad_audience';
    return 'bad_claims';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'bad_algorithm';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}
