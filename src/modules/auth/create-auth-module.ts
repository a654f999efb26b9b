import type { AppModule, ResolverClass } from '../../shared/app-module.js';
import type { Config, Tier } from '../../config/index.js';
import type { Database } from '../../shared/database/index.js';
import type { Logger } from '../../shared/logger.js';
import {
  createGitHubProviderClient,
  createMemoryOAuthStateStore,
  createOidcProviderClient,
  createRedisOAuthStateStore,
  type OAuthProviderClient,
} from '../../shared/oauth2/index.js';
import type { Redis } from '../../shared/redis/index.js';
import {
  createAccessTokenCodec,
  createLoginThrottle,
  createMemorySessionStateCache,
  createPasswordHasher,
  createPasswordPolicy,
  createRedisSessionStateCache,
  type ARGON2_PARAMS,
} from '../../shared/security/index.js';
import type { AuthDeps } from './auth-deps.js';
import { AuthResolver } from './auth.resolver.js';
import { setUserActive, setUserTier } from './deactivate-user.js';
import { createEnsureTestUser } from './ensure-test-user.js';
import { OAuthResolver } from './oauth.resolver.js';
import type { OAuthProviderName } from './oauth.types.js';
import { createUserStateCache } from './user-state-cache.js';
import type { Viewer } from '../../shared/context.js';
import {
  createAuthenticate,
  createRevalidate,
  type Authenticate,
  type AuthenticateResult,
} from './verify-access-token.js';

/** Root fields anyone may call without a token (DESIGN.md §3). */
export const AUTH_PUBLIC_FIELDS = ['register', 'login', 'refresh', 'oauthAuthorizeUrl', 'oauthCallback'] as const;

export interface CreateAuthModuleOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly prisma: Database;
  /** Shared Redis (session cache, OAuth states, login counters); null in embedded mode (in-process). */
  readonly redis: Redis | null;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** argon2 overrides (benchmarks only). */
  readonly argon2?: Partial<typeof ARGON2_PARAMS>;
  /** fetch for GitHub calls (default global fetch). */
  readonly fetch?: typeof fetch;
}

/** The resolver classes of this slice (schema.graphql is printed from them without instances). */
export const AUTH_RESOLVERS: readonly ResolverClass[] = [AuthResolver, OAuthResolver];

export interface AuthModule extends AppModule {
  readonly deps: AuthDeps;
  readonly authenticate: Authenticate;
  /** Re-checks an earlier viewer (open WebSockets): ended session, deactivated user, current tier. */
  readonly revalidate: (viewer: Viewer) => Promise<AuthenticateResult>;
  /** Deactivates or reactivates a user; applies at once on every instance (admin tooling, tests). */
  setUserActive(userId: string, active: boolean): Promise<void>;
  /** Changes a user's tier; applies at once on every instance. */
  setUserTier(userId: string, tier: Tier): Promise<void>;
}

/**
 * Wires the auth slice: password hasher, access-token codec, session cache, login throttle, OAuth state store
 * (Redis or in-process) and provider clients.
 * @throws TypeError when more than one generic OIDC provider is configured (the enum has one OIDC slot).
 */
export async function createAuthModule(options: CreateAuthModuleOptions): Promise<AuthModule> {
  const { config, logger, redis } = options;
  const keyPrefix = config.redis.keyPrefix;
  const now = options.now ?? Date.now;
  const sessionCache = redis
    ? createRedisSessionStateCache({ client: redis, keyPrefix, logger })
    : createMemorySessionStateCache({ now });
  const deps: AuthDeps = {
    prisma: options.prisma,
    logger: logger.child({ module: 'auth' }),
    hasher: await createPasswordHasher(options.argon2),
    passwordPolicy: createPasswordPolicy(),
    accessTokens: createAccessTokenCodec({
      secret: config.auth.jwtSecret,
      algorithm: config.auth.jwtAlgorithm,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.accessTokenExpireMinutes * 60,
      ...(options.now ? { now: options.now } : {}),
    }),
    sessionCache,
    sessionCacheSeconds: config.auth.userCacheSeconds,
    userStates: createUserStateCache(
      { prisma: options.prisma, sessionCache, now },
      { ttlMs: config.auth.userCacheSeconds * 1000 },
    ),
    loginThrottle: createLoginThrottle({
      redis,
      keyPrefix,
      maxFailures: config.auth.loginMaxFailures,
      accountMaxFailures: config.auth.loginAccountMaxFailures,
      ...(options.now ? { now: options.now } : {}),
      windowSeconds: config.auth.loginFailureWindowSeconds,
    }),
    oauthStates: redis
      ? createRedisOAuthStateStore({ client: redis, keyPrefix })
      : createMemoryOAuthStateStore(options.now ? { now: options.now } : {}),
    oauthProviders: buildProviders(config, options.fetch),
    refreshTtlSeconds: config.auth.refreshTokenExpireDays * 86_400,
    testMode: config.testMode,
    now,
  };
  const ensureTestUser = createEnsureTestUser(deps);
  return {
    deps,
    resolvers: new Map<ResolverClass, object>([
      [AuthResolver, new AuthResolver(deps)],
      [OAuthResolver, new OAuthResolver(deps)],
    ]),
    publicOperations: AUTH_PUBLIC_FIELDS,
    freeOperations: [],
    authenticate: createAuthenticate(deps, { ensureTestUser }),
    revalidate: createRevalidate(deps),
    setUserActive: (userId, active) => setUserActive(deps, { userId, active }),
    setUserTier: (userId, tier) => setUserTier(deps, { userId, tier }),
  };
}

function buildProviders(
  config: Config,
  fetchImpl: typeof fetch | undefined,
): Map<OAuthProviderName, OAuthProviderClient> {
  const out = new Map<OAuthProviderName, OAuthProviderClient>();
  const timeoutMs = config.auth.oauthHttpTimeoutMs;
  for (const provider of config.auth.oauthProviders) {
    const slot: OAuthProviderName = provider.name === 'GOOGLE' || provider.name === 'GITHUB' ? provider.name : 'OIDC';
    if (out.has(slot))
      throw new TypeError(
        `OAUTH2_PROVIDERS: only one generic OIDC provider can be configured (${provider.name} and ${out.get(slot)!.name})`,
      );
    const client =
      provider.kind === 'github'
        ? createGitHubProviderClient({ provider, timeoutMs, ...(fetchImpl ? { fetch: fetchImpl } : {}) })
        : createOidcProviderClient({ provider, timeoutMs, allowInsecure: !config.isProduction });
    out.set(slot, client);
  }
  return out;
}
