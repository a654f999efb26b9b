import type { Tier } from '../../config/index.js';
import type { Database } from '../../shared/database/index.js';
import type { Logger } from '../../shared/logger.js';
import type { OAuthProviderClient, OAuthStateStore } from '../../shared/oauth2/index.js';
import type {
  AccessTokenCodec,
  LoginThrottle,
  PasswordHasher,
  PasswordPolicy,
  SessionStateCache,
} from '../../shared/security/index.js';
import type { OAuthProviderName } from './oauth.types.js';
import type { UserStateCache } from './user-state-cache.js';

/** Everything the auth services need, built once by `createAuthModule`. */
export interface AuthDeps {
  readonly prisma: Database;
  readonly logger: Logger;
  readonly hasher: PasswordHasher;
  /** Rules for new passwords (NIST SP 800-63B). */
  readonly passwordPolicy: PasswordPolicy;
  readonly accessTokens: AccessTokenCodec;
  /** Cache of session revocations (the database is the source of truth) and user-changed markers. */
  readonly sessionCache: SessionStateCache;
  /** How long a session found live in the database is cached (AUTH_USER_CACHE_SECONDS; 0: no caching). */
  readonly sessionCacheSeconds: number;
  /** Cached active flag and tier per user for token checks. */
  readonly userStates: UserStateCache;
  readonly loginThrottle: LoginThrottle;
  readonly oauthStates: OAuthStateStore;
  readonly oauthProviders: ReadonlyMap<OAuthProviderName, OAuthProviderClient>;
  /** Refresh-token lifetime in seconds. */
  readonly refreshTtlSeconds: number;
  readonly testMode: { readonly enabled: boolean; readonly userEmail: string; readonly userTier: Tier };
  /** Clock in ms. */
  readonly now: () => number;
}

/** Who is calling, for session rows and the security log. */
export interface ClientMeta {
  readonly ip: string;
  readonly userAgent: string | null;
}
