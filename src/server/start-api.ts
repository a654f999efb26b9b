import type { Config } from '../config/index.js';
import { bootstrap, startProcessing, type Platform } from '../bootstrap/index.js';
import { pingDatabase, type DatabaseHandle } from '../shared/database/index.js';
import type { Logger } from '../shared/logger.js';
import { pingRedis, type RedisConnection } from '../shared/redis/index.js';
import type { AppModule } from '../shared/app-module.js';
import { createRateLimiting } from '../shared/rate-limit/index.js';
import { createMonitoringModule } from '../modules/monitoring/index.js';
import { createUsageModule } from '../modules/usage/index.js';
import { createAuthModule, type AuthModule } from '../modules/auth/index.js';
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
    // Embedded mode: the worker loop runs in this process on the same queue, tracker, database and model.
    if (platform.mode === 'embedded')
      await startProcessing(platform, { logger: logger.child({ component: 'worker' }) });
    const auth = await createAuthModule({ config, logger, prisma: db.prisma, redis: redis?.client ?? null });
    const modules: AppModule[] = [
      createMonitoringModule({
        probes: {
          database: () => pingDatabase(db),
          redis: redis ? () => pingRedis(redis.client) : null,
          queue: () => queue.ping(),
        },
        version: packageVersion(),
        startedAt: Date.now(),
      }),
      // Called per request, after rateLimiting below exists (it needs every module's freeOperations).
      createUsageModule({ status: (ctx) => rateLimiting.status(ctx) }),
      auth,
      createResourcesModule({
        db,
        progress: progress.tracker,
        queue,
        embeddings,
        vectorCacheBytes: config.search.vectorCacheMb * 1024 * 1024,
        logger,
      }),
    ];
    const rateLimiting = createRateLimiting({
      config: config.rateLimit,
      logger,
      redis: redis?.client ?? null,
      keyPrefix: config.redis.keyPrefix,
      freeOperations: modules.flatMap((m) => m.freeOperations),
      publicOperations: modules.flatMap((m) => m.publicOperations),
    });
    lifetime.defer('rate limiting', () => rateLimiting.close());
    const app = await createApp({
      config,
      logger,
      schema: await buildAppSchema(modules),
      // Authentication first, then complexity and rate limiting (DESIGN.md §3).
      guards: [requireAuthentication(modules.flatMap((m) => m.publicOperations)), ...rateLimiting.guards],
      authenticate: auth.authenticate,
      revalidate: auth.revalidate,
      routes: (express) => modules.forEach((m) => m.routes?.(express)),
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
