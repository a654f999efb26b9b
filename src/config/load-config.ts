import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import {
  buildPostgresUrl,
  DEFAULT_SQLITE_URL,
  detectProvider,
  normalizeDatabaseUrl,
  type DatabaseProvider,
} from './database-url.js';
import { parseOAuthProviders, type OAuthProviderConfig } from './oauth-providers.js';
import { Secret } from './secret.js';
import { VARIABLES } from './variables.js';

export type Tier = 'FREE' | 'PREMIUM' | 'ADMIN';
export const TIERS: readonly Tier[] = ['FREE', 'PREMIUM', 'ADMIN'];

/** Per-window point budgets; `null` means unlimited. */
export interface TierLimits {
  readonly perMinute: number | null;
  readonly perHour: number | null;
  readonly perDay: number | null;
}

/** The whole typed, frozen configuration. Built once at startup by `loadConfig`. */
export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly database: {
    readonly url: Secret;
    readonly provider: DatabaseProvider;
    readonly poolMin: number;
    readonly poolMax: number;
    readonly connectTimeoutMs: number;
    readonly autoMigrate: boolean;
  };
  readonly redis: { readonly url: Secret | null; readonly keyPrefix: string };
  readonly auth: {
    readonly jwtSecret: Secret;
    readonly jwtSecretGenerated: boolean;
    readonly jwtAlgorithm: 'HS256' | 'HS384' | 'HS512';
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenExpireMinutes: number;
    readonly refreshTokenExpireDays: number;
    readonly oauthProviders: readonly OAuthProviderConfig[];
    readonly oauthHttpTimeoutMs: number;
    readonly loginMaxFailures: number;
    readonly loginAccountMaxFailures: number;
    readonly userCacheSeconds: number;
    readonly loginFailureWindowSeconds: number;
  };
  readonly testMode: { readonly enabled: boolean; readonly userEmail: string; readonly userTier: Tier };
  readonly rateLimit: {
    readonly enabled: boolean;
    readonly tiers: Readonly<Record<Tier, TierLimits>>;
    /** Budget per client IP for public operations called without a token. */
    readonly anonymous: TierLimits;
    readonly maxQueryCost: number;
    readonly maxQueryDepth: number;
    /** MAX_QUERY_NODES: most objects an operation may return (static estimate). */
    readonly maxQueryNodes: number;
    /** MAX_QUERY_ALIASES: most aliased fields per operation. */
    readonly maxQueryAliases: number;
    readonly maxSubscriptions: Readonly<Record<Tier, number | null>>;
  };
  readonly trustProxy: boolean | number | string;
  readonly introspection: boolean;
  /** Per-operation execution limits, on HTTP and WebSocket alike. */
  readonly execution: {
    /** MAX_RESPONSE_BYTES: bytes of answer one operation may produce. */
    readonly maxResponseBytes: number;
    /** QUERY_TIMEOUT_MS: deadline of a query or mutation (not of a subscription's lifetime). */
    readonly queryTimeoutMs: number;
    /** WS_MAX_CONNECTIONS_PER_USER: open WebSocket connections per user on one instance. */
    readonly maxWebSocketsPerUser: number;
  };
  readonly progressTtlSeconds: number;
  readonly embeddings: {
    readonly model: string;
    readonly modelPath: string;
    readonly allowRemote: boolean;
    readonly vocabularySize: number;
  };
  readonly search: { readonly vectorCacheMb: number };
  readonly worker: {
    readonly concurrency: number;
    readonly shutdownTimeoutMs: number;
    readonly stallIntervalMs: number;
    /** RECONCILE_INTERVAL_MS. */
    readonly reconcileIntervalMs: number;
    /** WORKER_TRANSIENT_RETRY_WINDOW_MS. */
    readonly transientRetryWindowMs: number;
  };
  readonly allowPrivateUrls: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown when the environment is invalid. The message names every bad variable, never a secret value. */
export class ConfigError extends Error {
  readonly problems: readonly { variable: string; message: string }[];
  constructor(problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems.map((p) => `${p.variable}: ${p.message}`).join('; '),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** A .env file to read; its values never override the real environment. Default: none. */
  readonly envFile?: string;
}

/**
 * Reads `.env` (if given) under the real environment, validates every variable and returns a frozen `Config`.
 * Empty strings count as unset.
 * @throws ConfigError naming every invalid variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  const merged: Record<string, string | undefined> = {};
  if (options.envFile && existsSync(options.envFile))
    Object.assign(merged, parseEnv(readFileSync(options.envFile, 'utf8')));
  for (const [k, val] of Object.entries(env)) if (val !== undefined) merged[k] = val;

  const problems: { variable: string; message: string }[] = [];
  const values: Record<string, unknown> = {};
  for (const spec of VARIABLES) {
    const raw = merged[spec.name];
    const given = raw !== undefined && raw.trim() !== '' ? raw : spec.default;
    if (given === undefined) continue;
    const parsed = spec.schema.safeParse(given);
    if (parsed.success) values[spec.name] = parsed.data;
    else
      problems.push({
        variable: spec.name,
        message: spec.secret
          ? 'invalid value'
          : (parsed.error.issues[0]?.message ?? 'invalid') + ` (got "${given.slice(0, 60)}")`,
      });
  }
  const get = <T>(name: string): T => values[name] as T;
  const nodeEnv = get<Config['nodeEnv']>('NODE_ENV') ?? 'development';
  const isProduction = nodeEnv === 'production';

  let databaseUrl = DEFAULT_SQLITE_URL;
  if (values.POSTGRES_SERVER !== undefined) {
    databaseUrl = buildPostgresUrl({
      server: get<string>('POSTGRES_SERVER'),
      port: get<number>('POSTGRES_PORT'),
      user: get<string>('POSTGRES_USER'),
      password: get<string | undefined>('POSTGRES_PASSWORD'),
      db: get<string>('POSTGRES_DB'),
    });
  } else if (values.DATABASE_URL !== undefined) {
    try {
      databaseUrl = normalizeDatabaseUrl(get<string>('DATABASE_URL'));
    } catch (err) {
      problems.push({ variable: 'DATABASE_URL', message: (err as Error).message });
    }
  }
  if (
    values.DB_POOL_MIN !== undefined &&
    values.DB_POOL_MAX !== undefined &&
    get<number>('DB_POOL_MIN') > get<number>('DB_POOL_MAX')
  ) {
    problems.push({ variable: 'DB_POOL_MIN', message: 'must not exceed DB_POOL_MAX' });
  }
  const redisUrl = get<string | undefined>('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//i.test(redisUrl))
    problems.push({ variable: 'REDIS_URL', message: 'must start with redis:// or rediss://' });

  let oauthProviders: OAuthProviderConfig[] = [];
  const oauthRaw = get<string | undefined>('OAUTH2_PROVIDERS');
  if (oauthRaw !== undefined) {
    const parsed = parseOAuthProviders(oauthRaw);
    if (parsed.ok) oauthProviders = parsed.value;
    else problems.push({ variable: 'OAUTH2_PROVIDERS', message: parsed.message });
  }

  const jwtRaw = get<string | undefined>('JWT_SECRET_KEY');
  const jwtSecretGenerated = jwtRaw === undefined;
  const jwtSecret = new Secret(jwtRaw ?? randomBytes(48).toString('base64url'));
  const testModeEnabled = get<boolean>('TEST_MODE') ?? false;
  if (isProduction) {
    if (testModeEnabled) problems.push({ variable: 'TEST_MODE', message: 'must not be true in production' });
    if (jwtSecretGenerated) problems.push({ variable: 'JWT_SECRET_KEY', message: 'is required in production' });
    else if (jwtSecret.byteLength < 32)
      problems.push({ variable: 'JWT_SECRET_KEY', message: 'must be at least 32 bytes in production' });
    else if (!looksRandom(jwtSecret.reveal()))
      problems.push({
        variable: 'JWT_SECRET_KEY',
        message:
          'has too little entropy for production (repeated or few distinct characters); use at least 32 random bytes, e.g. `openssl rand -base64 48`',
      });
    if (oauthProviders.some((p) => p.allowInsecureRequests))
      problems.push({ variable: 'OAUTH2_PROVIDERS', message: 'allowInsecureRequests must not be set in production' });
  } else if (!jwtSecretGenerated && jwtSecret.byteLength < 16) {
    problems.push({ variable: 'JWT_SECRET_KEY', message: 'must be at least 16 bytes (32 in production)' });
  }

  let trustProxy: boolean | number | string = false;
  const tp = get<string>('TRUST_PROXY') ?? 'false';
  if (/^(true|false)$/i.test(tp)) trustProxy = tp.toLowerCase() === 'true';
  else if (/^\d+$/.test(tp)) trustProxy = Number(tp);
  else trustProxy = tp;

  if (problems.length > 0) throw new ConfigError(problems);

  const limitOf = (tier: Tier | 'ANONYMOUS', w: string): number | null =>
    get<number | undefined>(`RATE_LIMIT_${tier}_${w}`) ?? null;
  const tierLimits = (tier: Tier | 'ANONYMOUS'): TierLimits =>
    Object.freeze({
      perMinute: limitOf(tier, 'PER_MINUTE'),
      perHour: limitOf(tier, 'PER_HOUR'),
      perDay: limitOf(tier, 'PER_DAY'),
    });

  return deepFreeze({
    nodeEnv,
    isProduction,
    host: get<string>('HOST'),
    port: get<number>('PORT'),
    database: {
      url: new Secret(databaseUrl),
      provider: detectProvider(databaseUrl),
      poolMin: get<number>('DB_POOL_MIN'),
      poolMax: get<number>('DB_POOL_MAX'),
      connectTimeoutMs: get<number>('DB_CONNECT_TIMEOUT_MS'),
      autoMigrate: get<boolean>('DB_AUTO_MIGRATE'),
    },
    redis: { url: redisUrl === undefined ? null : new Secret(redisUrl), keyPrefix: get<string>('REDIS_KEY_PREFIX') },
    auth: {
      jwtSecret,
      jwtSecretGenerated,
      jwtAlgorithm: get<Config['auth']['jwtAlgorithm']>('JWT_ALGORITHM'),
      issuer: get<string>('JWT_ISSUER'),
      audience: get<string>('JWT_AUDIENCE'),
      accessTokenExpireMinutes: get<number>('ACCESS_TOKEN_EXPIRE_MINUTES'),
      refreshTokenExpireDays: get<number>('REFRESH_TOKEN_EXPIRE_DAYS'),
      oauthProviders,
      oauthHttpTimeoutMs: get<number>('OAUTH_HTTP_TIMEOUT_MS'),
      loginMaxFailures: get<number>('LOGIN_MAX_FAILURES'),
      loginAccountMaxFailures: get<number>('LOGIN_ACCOUNT_MAX_FAILURES'),
      userCacheSeconds: get<number>('AUTH_USER_CACHE_SECONDS'),
      loginFailureWindowSeconds: get<number>('LOGIN_FAILURE_WINDOW_SECONDS'),
    },
    testMode: {
      enabled: testModeEnabled,
      userEmail: get<string>('TEST_USER_EMAIL'),
      userTier: get<Tier>('TEST_USER_TIER'),
    },
    rateLimit: {
      enabled: get<boolean>('RATE_LIMIT_ENABLED'),
      tiers: { FREE: tierLimits('FREE'), PREMIUM: tierLimits('PREMIUM'), ADMIN: tierLimits('ADMIN') },
      anonymous: tierLimits('ANONYMOUS'),
      maxQueryCost: get<number>('MAX_QUERY_COST'),
      maxQueryDepth: get<number>('MAX_QUERY_DEPTH'),
      maxQueryNodes: get<number>('MAX_QUERY_NODES'),
      maxQueryAliases: get<number>('MAX_QUERY_ALIASES'),
      maxSubscriptions: {
        FREE: get<number | undefined>('SUBSCRIPTIONS_MAX_FREE') ?? null,
        PREMIUM: get<number | undefined>('SUBSCRIPTIONS_MAX_PREMIUM') ?? null,
        ADMIN: get<number | undefined>('SUBSCRIPTIONS_MAX_ADMIN') ?? null,
      },
    },
    trustProxy,
    introspection: get<boolean | undefined>('INTROSPECTION') ?? !isProduction,
    execution: {
      maxResponseBytes: get<number>('MAX_RESPONSE_BYTES'),
      queryTimeoutMs: get<number>('QUERY_TIMEOUT_MS'),
      maxWebSocketsPerUser: get<number>('WS_MAX_CONNECTIONS_PER_USER'),
    },
    progressTtlSeconds: get<number>('PROGRESS_TTL_SECONDS'),
    embeddings: {
      model: get<string>('EMBEDDING_MODEL'),
      modelPath: get<string>('EMBEDDING_MODEL_PATH'),
      allowRemote: get<boolean>('EMBEDDING_ALLOW_REMOTE'),
      vocabularySize: get<number>('EMBEDDING_VOCABULARY_SIZE'),
    },
    search: { vectorCacheMb: get<number>('SEARCH_VECTOR_CACHE_MB') },
    worker: {
      concurrency: get<number>('WORKER_CONCURRENCY'),
      shutdownTimeoutMs: get<number>('WORKER_SHUTDOWN_TIMEOUT_MS'),
      stallIntervalMs: get<number>('WORKER_STALL_INTERVAL_MS'),
      reconcileIntervalMs: get<number>('RECONCILE_INTERVAL_MS'),
      transientRetryWindowMs: get<number>('WORKER_TRANSIENT_RETRY_WINDOW_MS'),
    },
    allowPrivateUrls: get<boolean>('ALLOW_PRIVATE_URLS'),
    logLevel: get<Config['logLevel']>('LOG_LEVEL'),
  } satisfies Config);
}

/** Bits a production JWT_SECRET_KEY must at least carry, as estimated by `looksRandom`. */
export const JWT_SECRET_MIN_ENTROPY_BITS = 120;

/**
 * Whether a secret plausibly came from a random generator. The estimate is the empirical Shannon entropy
 * (bits per character × length) of its characters and, to catch runs like "abcdef…", of the differences
 * between neighbouring characters, whichever is lower; a secret that is one shorter string repeated is
 * refused too. `'a'.repeat(32)` carries 0 bits, "my-super-secret-jwt-key-for-prod" 118; 32 random
 * alphanumerics at least 122 (100,000 samples), `openssl rand -base64 48` about 330.
 */
export function looksRandom(secret: string): boolean {
  const points = [...secret].map((c) => c.codePointAt(0)!);
  const deltas = points.slice(1).map((p, i) => p - points[i]!);
  const entropy = (values: number[]) => {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    let bits = 0;
    for (const n of counts.values()) bits -= (n / values.length) * Math.log2(n / values.length);
    return bits * points.length;
  };
  if (points.length < 2 || Math.min(entropy(points), entropy(deltas)) < JWT_SECRET_MIN_ENTROPY_BITS) return false;
  for (let period = 1; period <= points.length / 2; period++)
    if (points.length % period === 0 && points.every((p, i) => p === points[i % period])) return false;
  return true;
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object' && !(obj instanceof Secret) && !Object.isFrozen(obj)) {
    for (const value of Object.values(obj)) deepFreeze(value);
    Object.freeze(obj);
  }
  return obj;
}

/** The database URL the configuration resolved (POSTGRES_* fields, else DATABASE_URL, else the SQLite default). */
export function getDatabaseUrl(config: Config): string {
  return config.database.url.reveal();
}
