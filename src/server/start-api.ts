import type { Config } from '../config/index.js';
import {
  applyMigrations,
  connectWithRetry,
  createDatabase,
  pingDatabase,
  type DatabaseHandle,
} from '../shared/database/index.js';
import type { Logger } from '../shared/logger.js';
import { openRedis, pingRedis, type RedisConnection } from '../shared/redis/index.js';
import {
  cachedReport,
  checkHealth,
  healthRoute,
  HealthResolver,
  PUBLIC_FIELDS as MONITORING_PUBLIC,
} from '../modules/monitoring/index.js';
import { buildAppSchema } from './build-schema.js';
import { createApp, type App } from './create-app.js';
import { packageVersion } from './package-info.js';
import { requireAuthentication } from './require-authentication.js';
import type { OperationGuard } from '../shared/operation-guard.js';
import { createRateLimiting } from '../shared/rate-limit/index.js';
import { RateLimitStatusResolver } from '../modules/usage/index.js';
import { createAuthModule, type AuthModule } from '../modules/auth/index.js';
import { createProgressPersistence, ResourceProgressResolver } from '../modules/resources/progress/index.js';
import { openStatusTracking } from '../shared/status-tracker/index.js';
import { createBeeJobQueue, createInProcessJobQueue, type ProcessingQueue } from '../shared/queue/index.js';
import { loadEmbeddingService, type EmbeddingService } from '../shared/embeddings/index.js';
import { CreateResourceResolver } from '../modules/resources/create-resource.resolver.js';
import { ReprocessResourceResolver } from '../modules/resources/reprocess-resource.resolver.js';
import { queuePrefix, startWorker } from '../worker/start-worker.js';
import { createResourcesModule } from '../modules/resources/index.js';

export interface ApiRuntime {
  readonly app: App;
  readonly db: DatabaseHandle;
  readonly redis: RedisConnection | null;
  /** The auth slice (deactivate users, change tiers: applies at once on every instance). */
  readonly auth: AuthModule;
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
      onRetry: ({ attempt, delayMs, cause }) =>
        logger.warn({ attempt, delayMs, cause }, 'database unreachable, retrying'),
    });
    if (config.database.autoMigrate) {
      const { applied } = await applyMigrations({ url: config.database.url.reveal(), log: (msg) => logger.debug(msg) });
      if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
    }

    const redis = config.redis.url ? openRedis({ url: config.redis.url.reveal(), name: 'pharos:api', logger }) : null;
    if (redis) closers.push(() => redis.close());

    // Set by the processing section below; the health probe reads it at request time.
    let processingQueue: ProcessingQueue | null = null;
    const startedAt = Date.now();
    const version = packageVersion();
    const report = cachedReport(() =>
      checkHealth({
        probes: {
          database: () => pingDatabase(db),
          redis: redis ? () => pingRedis(redis.client) : null,
          queue: processingQueue ? () => processingQueue!.ping() : null,
        },
        version,
        startedAt,
      }),
    );

    // Each slice contributes resolver instances, public root fields and guards. Order of guards:
    // authentication, then complexity, then rate limiting (DESIGN.md §3, issue 4).
    // Subscriptions take a per-user concurrency slot on start and release it on end or socket drop.
    const instances = new Map<NewableFunction, object>([[HealthResolver, new HealthResolver(report)]]);
    const publicFields: string[] = [...MONITORING_PUBLIC];
    const guardsAfterAuth: OperationGuard[] = [];

    // --- auth (issue 3) ---
    const auth = await createAuthModule({ config, logger, prisma: db.prisma, redis: redis?.client ?? null });
    for (const [cls, instance] of auth.resolvers) instances.set(cls, instance);
    publicFields.push(...auth.publicFields);
    // --- rate limiting (issue 4) ---
    const rateLimiting = createRateLimiting({
      config: config.rateLimit,
      logger,
      redis: redis?.client ?? null,
      keyPrefix: config.redis.keyPrefix,
    });
    closers.push(() => rateLimiting.close());
    instances.set(RateLimitStatusResolver, new RateLimitStatusResolver((ctx) => rateLimiting.status(ctx)));
    guardsAfterAuth.push(...rateLimiting.guards);
    // --- progress and resources (issues 5-7) ---
    // Progress (issue 5): Redis hashes + graphql-redis-subscriptions when REDIS_URL is set, in-process otherwise.
    // `progress.tracker` is the StatusTracker for the in-process worker loop and Resource.progress.
    const progress = openStatusTracking({
      config,
      logger,
      redis: redis?.client ?? null,
      persistence: createProgressPersistence(db.prisma),
      name: 'pharos:api:progress',
    });
    closers.push(() => progress.close());
    instances.set(
      ResourceProgressResolver,
      new ResourceProgressResolver({ prisma: db.prisma, tracker: progress.tracker }),
    );
    // Processing (issue 6): createResource/reprocessResource enqueue on bee-queue (REDIS_URL) or the
    // in-process queue; in embedded mode the worker loop runs here on the same queue, tracker, database
    // and model. `embeddings` is the process's one EmbeddingService (also for search queries).
    const queue: ProcessingQueue = config.redis.url
      ? createBeeJobQueue({ redisUrl: config.redis.url.reveal(), prefix: queuePrefix(config), worker: false, logger })
      : createInProcessJobQueue({ logger });
    closers.push(() => queue.close());
    processingQueue = queue;
    const embeddings: EmbeddingService = await loadEmbeddingService({
      model: config.embeddings.model,
      modelPath: config.embeddings.modelPath,
      allowRemote: config.embeddings.allowRemote,
      vocabularySize: config.embeddings.vocabularySize,
      logger,
    });
    closers.push(() => embeddings.close());
    const processingTrigger = { db, queue, tracker: progress.tracker, logger };
    instances.set(CreateResourceResolver, new CreateResourceResolver(processingTrigger));
    instances.set(ReprocessResourceResolver, new ReprocessResourceResolver(processingTrigger));
    if (!config.redis.url) {
      const worker = await startWorker({
        config,
        logger: logger.child({ component: 'worker' }),
        db,
        tracker: progress.tracker,
        queue,
        embeddings,
      });
      closers.push(async () => void (await worker.stop()));
    }
    // Resources API and search (issue 7): list/read/update/delete, Resource fields (DataLoaders), search.
    const resources = createResourcesModule({
      db,
      progress: progress.tracker,
      embeddings,
      vectorCacheBytes: config.search.vectorCacheMb * 1024 * 1024,
      logger,
    });
    for (const [cls, instance] of resources.instances) instances.set(cls, instance);

    const schema = await buildAppSchema(instances);
    const app = await createApp({
      config,
      logger,
      schema,
      guards: [requireAuthentication(publicFields), ...guardsAfterAuth],
      authenticate: auth.authenticate,
      revalidate: auth.revalidate,
      routes: (express) => express.get('/monitoring/health', healthRoute(report)),
      onSubscriptionStart: (ctx) => rateLimiting.subscriptionCaps.acquire(ctx),
      onSubscriptionEnd: (ctx) => rateLimiting.subscriptionCaps.release(ctx),
    });
    closers.push(() => app.close());
    const runtime: ApiRuntime = { app, db, redis, auth, port: 0, close: closeAll };
    if (options.listen ?? true) runtime.port = await app.listen(config.port, config.host);
    return runtime;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
