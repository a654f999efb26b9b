import { z } from 'zod';

/** One environment variable Pharos reads: its parser, default and documentation. */
export interface VariableSpec {
  readonly name: string;
  readonly type: string;
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
  readonly schema: z.ZodType;
}

const bool = z.string().transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: 'expected true or false' });
  return z.NEVER;
});
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\s*-?\d+\s*$/, 'expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const str = z.string().min(1);
const limit = int(0);

function v(spec: Omit<VariableSpec, 'schema'> & { schema: z.ZodType }): VariableSpec {
  return spec;
}

const tierLimitVars = (['FREE', 'PREMIUM', 'ADMIN', 'ANONYMOUS'] as const).flatMap((tier) => {
  const defaults: Record<string, [string | undefined, string | undefined, string | undefined]> = {
    FREE: ['100', '1000', '10000'],
    PREMIUM: ['1000', '20000', '200000'],
    ADMIN: [undefined, undefined, undefined],
    ANONYMOUS: ['300', '3000', '30000'],
  };
  const d = defaults[tier]!;
  return (['PER_MINUTE', 'PER_HOUR', 'PER_DAY'] as const).map((w, i) =>
    v({
      name: `RATE_LIMIT_${tier}_${w}`,
      type: 'integer ≥ 0',
      ...(d[i] !== undefined ? { default: d[i] } : {}),
      description:
        tier === 'ANONYMOUS'
          ? `Points one client IP may spend ${w.toLowerCase().replace('_', ' ')} on public operations without a token (register, login, refresh, oauth*).`
          : `Points a ${tier} user may spend ${w.toLowerCase().replace('_', ' ')}${d[i] === undefined ? ' (unset: unlimited)' : ''}.`,
      schema: limit,
    }),
  );
});

/** Every variable, in documentation order. `docs/configuration.md` is generated from this list. */
export const VARIABLES: readonly VariableSpec[] = [
  v({
    name: 'NODE_ENV',
    type: 'development | production | test',
    default: 'development',
    description:
      'Runtime environment. production hides error details, disables the Sandbox landing page and refuses unsafe settings.',
    schema: z.enum(['development', 'production', 'test']),
  }),
  v({ name: 'HOST', type: 'string', default: '0.0.0.0', description: 'Interface the API listens on.', schema: str }),
  v({
    name: 'PORT',
    type: 'integer 0..65535',
    default: '4000',
    description: 'HTTP and WebSocket port (0 picks a free port).',
    schema: int(0, 65535),
  }),
  v({
    name: 'DATABASE_URL',
    type: 'URL',
    default: 'file:./data/pharos.db',
    secret: true,
    description:
      'file:path (SQLite) or postgresql://user:pass@host:port/db. The Python forms sqlite+aiosqlite:///path and postgresql+asyncpg://… are accepted. Ignored when POSTGRES_SERVER is set.',
    schema: str,
  }),
  v({
    name: 'POSTGRES_SERVER',
    type: 'host',
    description: 'When set, the PostgreSQL URL is built from the POSTGRES_* variables.',
    schema: str,
  }),
  v({
    name: 'POSTGRES_PORT',
    type: 'integer',
    default: '5432',
    description: 'PostgreSQL port (with POSTGRES_SERVER).',
    schema: int(1, 65535),
  }),
  v({
    name: 'POSTGRES_USER',
    type: 'string',
    default: 'postgres',
    description: 'PostgreSQL user (with POSTGRES_SERVER).',
    schema: str,
  }),
  v({
    name: 'POSTGRES_PASSWORD',
    type: 'string',
    secret: true,
    description: 'PostgreSQL password (with POSTGRES_SERVER).',
    schema: str,
  }),
  v({
    name: 'POSTGRES_DB',
    type: 'string',
    default: 'pharos',
    description: 'PostgreSQL database (with POSTGRES_SERVER).',
    schema: str,
  }),
  v({
    name: 'DB_POOL_MIN',
    type: 'integer ≥ 0',
    default: '5',
    description: 'Connections the PostgreSQL pool keeps open.',
    schema: int(0, 1000),
  }),
  v({
    name: 'DB_POOL_MAX',
    type: 'integer ≥ 1',
    default: '20',
    description: 'Largest PostgreSQL pool size.',
    schema: int(1, 1000),
  }),
  v({
    name: 'DB_CONNECT_TIMEOUT_MS',
    type: 'integer ms',
    default: '15000',
    description: 'How long startup retries an unreachable database (exponential backoff) before exiting with code 1.',
    schema: int(0),
  }),
  v({
    name: 'DB_AUTO_MIGRATE',
    type: 'boolean',
    default: 'true',
    description: 'Apply pending migrations at API startup.',
    schema: bool,
  }),
  v({
    name: 'REDIS_URL',
    type: 'URL',
    secret: true,
    description: 'redis://[user:pass@]host:port/db. Unset: embedded mode (in-process queue, pub/sub, counters).',
    schema: str,
  }),
  v({
    name: 'REDIS_KEY_PREFIX',
    type: 'string',
    default: 'pharos:',
    description:
      'Prefix of every Redis key this deployment writes (lets several deployments or test runs share one Redis).',
    schema: str,
  }),
  v({
    name: 'JWT_SECRET_KEY',
    type: 'string ≥ 32 bytes',
    secret: true,
    description:
      'HMAC key for access tokens. Required in production, where it must also look random (at least 128 bits estimated from its characters: `openssl rand -base64 48`); in development a random per-process key is used when unset (tokens then die with the process).',
    schema: str,
  }),
  v({
    name: 'JWT_ALGORITHM',
    type: 'HS256 | HS384 | HS512',
    default: 'HS256',
    description: 'Access-token signing algorithm.',
    schema: z.enum(['HS256', 'HS384', 'HS512']),
  }),
  v({
    name: 'JWT_ISSUER',
    type: 'string',
    default: 'pharos',
    description: 'iss claim of access tokens, checked on every request.',
    schema: str,
  }),
  v({
    name: 'JWT_AUDIENCE',
    type: 'string',
    default: 'pharos-api',
    description: 'aud claim of access tokens, checked on every request.',
    schema: str,
  }),
  v({
    name: 'ACCESS_TOKEN_EXPIRE_MINUTES',
    type: 'integer minutes',
    default: '30',
    description: 'Access-token lifetime.',
    schema: int(1, 60 * 24 * 7),
  }),
  v({
    name: 'REFRESH_TOKEN_EXPIRE_DAYS',
    type: 'integer days',
    default: '7',
    description: 'Refresh-token lifetime.',
    schema: int(1, 365),
  }),
  v({
    name: 'OAUTH2_PROVIDERS',
    type: 'JSON array',
    default: '[]',
    secret: true,
    description:
      'OAuth2/OIDC providers: [{"name":"google","kind":"oidc","issuer":"https://accounts.google.com","clientId":"…","clientSecret":"…","redirectUris":["https://app/cb"],"scopes":["openid","email","profile"]}]. kind is oidc or github. See docs/authentication.md.',
    schema: str,
  }),
  v({
    name: 'OAUTH_HTTP_TIMEOUT_MS',
    type: 'integer ms',
    default: '10000',
    description: 'Timeout for every outbound call to an OAuth provider.',
    schema: int(100),
  }),
  v({
    name: 'AUTH_USER_CACHE_SECONDS',
    type: 'integer s',
    default: '5',
    description:
      "How long an API instance caches a user's active flag and tier for token checks. Deactivation through Pharos invalidates it at once on every instance; direct database edits take up to this long. 0: look the user up on every request.",
    schema: int(0, 3600),
  }),
  v({
    name: 'LOGIN_MAX_FAILURES',
    type: 'integer',
    default: '10',
    description:
      'Failed logins allowed per email and client network (an IPv4 address or an IPv6 /64), and ×5 per client network, within LOGIN_FAILURE_WINDOW_SECONDS.',
    schema: int(1),
  }),
  v({
    name: 'LOGIN_ACCOUNT_MAX_FAILURES',
    type: 'integer',
    default: '20',
    description:
      'Login attempts on one account from any address before each further one must wait 1 s, then 2 s, 4 s… (at most LOGIN_FAILURE_WINDOW_SECONDS); a successful login resets it.',
    schema: int(1),
  }),
  v({
    name: 'LOGIN_FAILURE_WINDOW_SECONDS',
    type: 'integer s',
    default: '900',
    description: 'Window for counting failed logins.',
    schema: int(1),
  }),
  v({
    name: 'TEST_MODE',
    type: 'boolean',
    default: 'false',
    description: 'Requests without a token act as TEST_USER_EMAIL. Refused in production.',
    schema: bool,
  }),
  v({
    name: 'TEST_USER_EMAIL',
    type: 'email',
    default: 'test@pharos.local',
    description: 'The user TEST_MODE acts as (created on first use).',
    schema: z.email(),
  }),
  v({
    name: 'TEST_USER_TIER',
    type: 'FREE | PREMIUM | ADMIN',
    default: 'FREE',
    description: 'Tier of the TEST_MODE user.',
    schema: z.enum(['FREE', 'PREMIUM', 'ADMIN']),
  }),
  ...tierLimitVars,
  v({
    name: 'RATE_LIMIT_ENABLED',
    type: 'boolean',
    default: 'true',
    description: 'Turn per-token rate limiting off entirely (benchmarks only).',
    schema: bool,
  }),
  v({
    name: 'MAX_QUERY_COST',
    type: 'integer',
    default: '1000',
    description: 'Operations costing more points are rejected with QUERY_TOO_COMPLEX.',
    schema: int(1),
  }),
  v({
    name: 'MAX_QUERY_NODES',
    type: 'integer',
    default: '50000',
    description:
      'Most objects an operation may return, computed before it runs (page sizes multiplied through nesting, siblings and aliases summed); more is QUERY_TOO_COMPLEX.',
    schema: int(1),
  }),
  v({
    name: 'MAX_QUERY_ALIASES',
    type: 'integer',
    default: '200',
    description: 'Most aliased fields one operation may select (fragments expanded); more is QUERY_TOO_COMPLEX.',
    schema: int(1),
  }),
  v({
    name: 'MAX_QUERY_DEPTH',
    type: 'integer',
    default: '10',
    description: 'Operations nested deeper are rejected with QUERY_TOO_COMPLEX.',
    schema: int(1),
  }),
  v({
    name: 'SUBSCRIPTIONS_MAX_FREE',
    type: 'integer',
    default: '20',
    description: 'Concurrent subscriptions per FREE user.',
    schema: int(0),
  }),
  v({
    name: 'SUBSCRIPTIONS_MAX_PREMIUM',
    type: 'integer',
    default: '200',
    description: 'Concurrent subscriptions per PREMIUM user.',
    schema: int(0),
  }),
  v({
    name: 'SUBSCRIPTIONS_MAX_ADMIN',
    type: 'integer',
    description: 'Concurrent subscriptions per ADMIN user (unset: unlimited).',
    schema: int(0),
  }),
  v({
    name: 'TRUST_PROXY',
    type: 'false | true | hop count | CIDR list',
    default: 'false',
    description: 'Which X-Forwarded-For hops to trust for the client IP (Express trust proxy semantics).',
    schema: str,
  }),
  v({
    name: 'INTROSPECTION',
    type: 'boolean',
    description: 'Allow schema introspection (default: on except in production).',
    schema: bool,
  }),
  v({
    name: 'MAX_RESPONSE_BYTES',
    type: 'integer bytes',
    default: '8388608',
    description:
      'Largest answer one operation may produce (8 MiB); past it the operation stops with QUERY_TOO_COMPLEX.',
    schema: int(1024),
  }),
  v({
    name: 'QUERY_TIMEOUT_MS',
    type: 'integer ms',
    default: '10000',
    description: 'Execution deadline of one query or mutation; past it the operation is cancelled (QUERY_TOO_COMPLEX).',
    schema: int(1),
  }),
  v({
    name: 'WS_MAX_CONNECTIONS_PER_USER',
    type: 'integer',
    default: '20',
    description: 'Open WebSocket connections one user may hold per API instance; more are closed with 4403.',
    schema: int(1),
  }),
  v({
    name: 'PROGRESS_TTL_SECONDS',
    type: 'integer s',
    default: '86400',
    description: 'Idle progress records expire from Redis after this long (the database keeps the final state).',
    schema: int(1),
  }),
  v({
    name: 'EMBEDDING_MODEL',
    type: 'string',
    default: 'pharos/glove-sif-100d',
    description:
      'Embedding model id. A Hugging Face id such as Xenova/all-MiniLM-L6-v2 works where the hub is reachable.',
    schema: str,
  }),
  v({
    name: 'EMBEDDING_MODEL_PATH',
    type: 'path',
    default: './data/models',
    description: 'Folder of local models (the default model is built here on first start).',
    schema: str,
  }),
  v({
    name: 'EMBEDDING_ALLOW_REMOTE',
    type: 'boolean',
    default: 'false',
    description: 'Allow downloading models from the Hugging Face hub.',
    schema: bool,
  }),
  v({
    name: 'EMBEDDING_VOCABULARY_SIZE',
    type: 'integer',
    default: '50000',
    description:
      'Words in the offline default model built at first start (pharos/glove-sif-100d): 50 000 is 20 MB; tests use 5 000.',
    schema: int(100, 341_000),
  }),
  v({
    name: 'SEARCH_VECTOR_CACHE_MB',
    type: 'integer MB',
    default: '256',
    description:
      'Memory the API may use to keep chunk vectors for semantic search (per owner, least recently used dropped first). 10 000 resources of the default 100-d model (two chunks each) take about 10 MB; 0 disables the cache (every semantic search reads the vectors).',
    schema: int(0, 1_000_000),
  }),
  v({
    name: 'WORKER_CONCURRENCY',
    type: 'integer',
    default: '2',
    description: 'Jobs one worker runs at once.',
    schema: int(1, 256),
  }),
  v({
    name: 'WORKER_SHUTDOWN_TIMEOUT_MS',
    type: 'integer ms',
    default: '30000',
    description: 'How long a stopping worker lets running jobs finish.',
    schema: int(0),
  }),
  v({
    name: 'WORKER_STALL_INTERVAL_MS',
    type: 'integer ms',
    default: '5000',
    description:
      'A job whose worker stopped renewing its lock (crash, kill -9) for this long is handed to another worker (bee-queue stallInterval).',
    schema: int(100, 3_600_000),
  }),
  v({
    name: 'RECONCILE_INTERVAL_MS',
    type: 'integer ms',
    default: '30000',
    description:
      'How often one worker of the cluster re-queues unfinished resources whose job is gone, shows stages a crashed worker left PROCESSING as PENDING, and copies live progress onto rows that fell behind it.',
    schema: int(100, 86_400_000),
  }),
  v({
    name: 'WORKER_TRANSIENT_RETRY_WINDOW_MS',
    type: 'integer ms',
    default: '60000',
    description:
      'How long a stage failing because the database is unavailable (restart, outage) is retried in place before it counts as a failed attempt; 0 disables it.',
    schema: int(0, 3_600_000),
  }),
  v({
    name: 'ALLOW_PRIVATE_URLS',
    type: 'boolean',
    default: 'false',
    description: 'Let ingestion fetch private, loopback and link-local addresses (tests only).',
    schema: bool,
  }),
  v({
    name: 'LOG_LEVEL',
    type: 'fatal | error | warn | info | debug | trace | silent',
    default: 'info',
    description: 'pino log level.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
];
