import type { Config } from '../config/index.js';
import { connectWithRetry, createDatabase, pingDatabase, type DatabaseHandle } from '../shared/database/index.js';
import type { Logger } from '../shared/logger.js';
import { openRedis, pingRedis, type RedisConnection } from '../shared/redis/index.js';
import { cachedReport, checkHealth, healthRoute, HealthResolver, PUBLIC_FIELDS as MONITORING_PUBLIC } from '../modules/monitoring/index.js';
import { buildAppSchema } from './build-schema.js';
import { createApp, type App, type AuthOutcome } from './create-app.js';
import { packageVersion } from './package-info.js';
import { requireAuthentication } from './require-authentication.js';
import { AppError } from '../shared/errors.js';
import type { RequestContext } from '../shared/context.js';
import type { OperationGuard } from '../shared/operation-guard.js';

export interface ApiRuntime {
  readonly app: App;
  readonly db: DatabaseHandle;
  readonly redis: RedisConnection | null;
  /** Port the server listens on (after `listen`). */
  port: number;
  /** Closes HTTP + WebSocket, then Redis, then the database (reverse order of opening). */
  close(): Promise<void>;
}

export interface StartApiOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Listen on config.port (default true). Tests pass a port of 0 through config. */
  readonly listen?: boolean;
}

/** Composition root of the API process: opens every dependency, wires the modules, starts listening. */
export async function startApi(options: StartApiOptions): Promise<ApiRuntime> {
  const { config, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error during shutdown');
      }
    }
    closers.length = 0;
  };
  try {
    const db = createDatabase({
      url: config.database.url.reveal(),
      poolMin: config.database.poolMin,
      poolMax: config.database.poolMax,
      onPoolError: (err) => logger.warn({ code: (err as { code?: string }).code }, 'database pool error'),
    });
    closers.push(() => db.close());
    await connectWithRetry(db, {
      url: config.database.url.reveal(),
      timeoutMs: config.database.connectTimeoutMs,
      onRetry: ({ attempt, delayMs, cause }) => logger.warn({ attempt, delayMs, cause }, 'database unreachable, retrying'),
    });

    const redis = config.redis.url ? openRedis({ url: config.redis.url.reveal(), name: 'pharos:api', logger }) : null;
    if (redis) closers.push(() => redis.close());

    const startedAt = Date.now();
    const version = packageVersion();
    const report = cachedReport(() =>
      checkHealth({
        probes: { database: () => pingDatabase(db), redis: redis ? () => pingRedis(redis.client) : null, queue: null },
        version,
        startedAt,
      }),
    );

    // Each slice contributes resolver instances, public root fields and guards. Order of guards:
    // authentication, then complexity, then rate limiting (DESIGN.md §3, issue 4).
    const instances = new Map<Function, object>([[HealthResolver, new HealthResolver(report)]]);
    const publicFields: string[] = [...MONITORING_PUBLIC];
    let authenticate = async (authorization: string | undefined): Promise<AuthOutcome> =>
      authorization ? { viewer: null, authError: new AppError('UNAUTHENTICATED', 'Invalid access token') } : { viewer: null, authError: null };
    const guardsAfterAuth: OperationGuard[] = [];
    let onSubscriptionStart: ((ctx: RequestContext) => Promise<void> | void) | undefined;
    let onSubscriptionEnd: ((ctx: RequestContext) => Promise<void> | void) | undefined;

    // --- auth (issue 3) ---
    // --- rate limiting (issue 4) ---
    // --- progress and resources (issues 5-7) ---

    const schema = await buildAppSchema(instances);
    const app = await createApp({
      config,
      logger,
      schema,
      guards: [requireAuthentication(publicFields), ...guardsAfterAuth],
      authenticate: (authorization) => authenticate(authorization),
      routes: (express) => express.get('/monitoring/health', healthRoute(report)),
      onSubscriptionStart: (ctx) => onSubscriptionStart?.(ctx),
      onSubscriptionEnd: (ctx) => onSubscriptionEnd?.(ctx),
    });
    closers.push(() => app.close());
    const runtime: ApiRuntime = { app, db, redis, port: 0, close: closeAll };
    if (options.listen ?? true) runtime.port = await app.listen(config.port, config.host);
    return runtime;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
