import type { Config } from '../config/index.js';
import { bootstrap, startProcessing, type Platform } from '../bootstrap/index.js';
import { pingDatabase, type DatabaseHandle } from '../shared/database/index.js';
import type { Logger } from '../shared/logger.js';
import { pingRedis, type RedisConnection } from '../shared/redis/index.js';
import { createRateLimiting } from '../shared/rate-limit/index.js';
import {
  cachedReport,
  checkHealth,
  healthRoute,
  HealthResolver,
  PUBLIC_FIELDS as MONITORING_PUBLIC,
} from '../modules/monitoring/index.js';
import { RateLimitStatusResolver } from '../modules/usage/index.js';
import { createAuthModule, type AuthModule } from '../modules/auth/index.js';
import { ResourceProgressResolver } from '../modules/resources/progress/index.js';
import { CreateResourceResolver } from '../modules/resources/create-resource.resolver.js';
import { ReprocessResourceResolver } from '../modules/resources/reprocess-resource.resolver.js';
import { createResourcesModule } from '../modules/resources/index.js';
import { buildAppSchema } from './build-schema.js';
import { createApp, type App } from './create-app.js';
import { packageVersion } from './package-info.js';
import { requireAuthentication } from './require-authentication.js';

export interface ApiRuntime {
  readonly app: App;
  readonly platform: Platform;
  readonly db: DatabaseHandle;
  readonly redis: RedisConnection | null;
  /** The auth slice (deactivate users, change tiers: applies at once on every instance). */
  readonly auth: AuthModule;
  /** Port the server listens on (after `listen`). */
  port: number;
  /** Closes HTTP + WebSocket, then the in-process worker, queue, Redis and database (reverse order). */
  close(): Promise<void>;
}

export interface StartApiOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Listen on config.port (default true). Tests pass a port of 0 through config. */
  readonly listen?: boolean;
}

/** Composition root of the API: the shared bootstrap, then the slices wired to it, then listening. */
export async function startApi(options: StartApiOptions): Promise<ApiRuntime> {
  const { config, logger } = options;
  const platform = await bootstrap({ config, logger, role: 'api' });
  const { db, redis, queue, progress, embeddings, lifetime } = platform;
  try {
    const report = cachedReport(() =>
      checkHealth({
        probes: {
          database: () => pingDatabase(db),
          redis: redis ? () => pingRedis(redis.client) : null,
          queue: () => queue.ping(),
        },
        version: packageVersion(),
        startedAt: Date.now(),
      }),
    );
    // Embedded mode: the worker loop runs in this process on the same queue, tracker, database and model.
    if (platform.mode === 'embedded')
      await startProcessing(platform, { logger: logger.child({ component: 'worker' }) });

    const auth = await createAuthModule({ config, logger, prisma: db.prisma, redis: redis?.client ?? null });
    const rateLimiting = createRateLimiting({
      config: config.rateLimit,
      logger,
      redis: redis?.client ?? null,
      keyPrefix: config.redis.keyPrefix,
    });
    lifetime.defer('rate limiting', () => rateLimiting.close());
    const resources = createResourcesModule({
      db,
      progress: progress.tracker,
      embeddings,
      vectorCacheBytes: config.search.vectorCacheMb * 1024 * 1024,
      logger,
    });
    const processingTrigger = { db, queue, tracker: progress.tracker, logger };
    const instances = new Map<NewableFunction, object>([
      [HealthResolver, new HealthResolver(report)],
      ...auth.resolvers,
      [RateLimitStatusResolver, new RateLimitStatusResolver((ctx) => rateLimiting.status(ctx))],
      [ResourceProgressResolver, new ResourceProgressResolver({ prisma: db.prisma, tracker: progress.tracker })],
      [CreateResourceResolver, new CreateResourceResolver(processingTrigger)],
      [ReprocessResourceResolver, new ReprocessResourceResolver(processingTrigger)],
      ...resources.instances,
    ]);
    const app = await createApp({
      config,
      logger,
      schema: await buildAppSchema(instances),
      // Authentication first, then complexity and rate limiting (DESIGN.md §3).
      guards: [requireAuthentication([...MONITORING_PUBLIC, ...auth.publicFields]), ...rateLimiting.guards],
      authenticate: auth.authenticate,
      revalidate: auth.revalidate,
      routes: (express) => express.get('/monitoring/health', healthRoute(report)),
      onSubscriptionStart: (ctx) => rateLimiting.subscriptionCaps.acquire(ctx),
      onSubscriptionEnd: (ctx) => rateLimiting.subscriptionCaps.release(ctx),
    });
    lifetime.defer('http', () => app.close());
    const runtime: ApiRuntime = { app, platform, db, redis, auth, port: 0, close: () => lifetime.close() };
    if (options.listen ?? true) runtime.port = await app.listen(config.port, config.host);
    return runtime;
  } catch (err) {
    await lifetime.close();
    throw err;
  }
}
