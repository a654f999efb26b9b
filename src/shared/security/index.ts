export { ARGON2_PARAMS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, createPasswordHasher } from './password-hasher.js';
export type { PasswordHasher } from './password-hasher.js';
export { ACCESS_TOKEN_ALGORITHMS, CLOCK_TOLERANCE_SECONDS, createAccessTokenCodec } from './access-token.js';
export type {
  AccessTokenAlgorithm,
  AccessTokenClaims,
  AccessTokenCodec,
  AccessTokenCodecOptions,
  TokenFailure,
  VerifyResult,
} from './access-token.js';
export { createMemorySessionStateCache, createRedisSessionStateCache } from './session-state-cache.js';
export type { CachedSessionState, RedisSessionStateCacheOptions, SessionStateCache } from './session-state-cache.js';
export { createLoginThrottle, PER_IP_FACTOR } from './login-throttle.js';
export { createMemoryLoginBackoff, createRedisLoginBackoff } from './login-backoff.js';
export type { LoginBackoff, LoginBackoffOptions } from './login-backoff.js';
export { clientNetworkKey } from './client-network.js';
export { createPasswordPolicy, normalizePassword } from './password-policy.js';
export type { PasswordCheck, PasswordPolicy, PasswordRejection } from './password-policy.js';
export type { LoginThrottle, LoginThrottleOptions } from './login-throttle.js';
export { hashOpaqueToken, randomOpaqueToken, safeEqual } from './opaque-token.js';
export { TierEnum } from './tier.graphql.js';
