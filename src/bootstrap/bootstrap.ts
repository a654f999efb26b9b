import type { Config } from '../config/index.js';
import type { DatabaseHandle } from '../shared/database/index.js';
import { loadEmbeddingService, type EmbeddingService } from '../shared/embeddings/index.js';
import type { Logger } from '../shared/logger.js';
import {
  createBeeJobQueue,
  createInProcessJobQueue,
  DEFAULT_RETRY_POLICY,
  type ProcessingQueue,
  type RetryPolicy,
} from '../shared/queue/index.js';
import { openRedis, waitForRedis, type RedisConnection } from '../shared/redis/index.js';
import { openStatusTracking, type StatusTracking } from '../shared/status-tracker/index.js';
import { createProgressPersistence } from '../modules/resources/index.js';
import { ensurePortFree } from './ensure-port-free.js';
import { createInitSteps, type InitSteps } from './init-steps.js';
import { createLifetime, type Lifetime } from './lifetime.js';
import { openDatabase } from './open-database.js';

/** Embedded: one process, SQLite or PostgreSQL, no Redis. Distributed: REDIS_URL set, many processes. */
export type RuntimeMode = 'embedded' | 'distributed';

/** Which process is starting: the API (produces jobs) or a worker (consumes them). */
export type ProcessRole = 'api' | 'worker';

/** Everything external a process uses, opened once, closed by `lifetime.close()` in reverse order. */
export interface Platform {
  readonly config: Config;
  readonly logger: Logger;
  readonly mode: RuntimeMode;
  readonly role: ProcessRole;
  readonly db: DatabaseHandle;
  readonly redis: RedisConnection | null;
  readonly progress: StatusTracking;
  readonly queue: ProcessingQueue;
  readonly embeddings: EmbeddingService;
  readonly retryPolicy: RetryPolicy;
  readonly steps: InitSteps;
  readonly lifetime: Lifetime;
}

export interface BootstrapOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly role: ProcessRole;
  /** Retry policy of the queue (tests shorten it). Default DEFAULT_RETRY_POLICY. */
  readonly retryPolicy?: RetryPolicy;
}

/** The mode follows from configuration alone, decided here once. */
export function runtimeMode(config: Config): RuntimeMode {
  return config.redis.url ? 'distributed' : 'embedded';
}

/** bee-queue prefix derived from REDIS_KEY_PREFIX ("pharos:" → keys "pharos:queue:process-resource:*"). */
export function queuePrefix(config: Config): string {
  return `${config.redis.keyPrefix.replace(/:+$/, '')}:queue`;
}

/**
 * The one start-up both entry points share: checks the API port, opens the database (migrated), Redis
 * (distributed mode; retried with backoff), progress tracking, the embedding model (loaded once) and the
 * processing queue, logging each step with its time and memory. On failure everything opened so far is
 * closed before the error propagates.
 * @throws PortInUseError, DatabaseUnreachableError, DatabaseRefusedError, MigrationError,
 * RedisUnreachableError or EmbeddingModelLoadError; each `message` is one safe line.
 */
export async function bootstrap(options: BootstrapOptions): Promise<Platform> {
  const { config, logger, role } = options;
  const mode = runtimeMode(config);
  const lifetime = createLifetime(logger);
  const steps = createInitSteps(logger);
  const retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  try {
    if (role === 'api') await ensurePortFree(config.port, config.host);
    const db = await steps.step('database connected', () =>
      openDatabase({
        config,
        logger,
        ...(role === 'worker' ? { poolMin: 1, poolMax: Math.max(2, config.worker.concurrency * 2) } : {}),
      }),
    );
    lifetime.defer('database', () => db.close());

    const redisUrl = config.redis.url?.reveal();
    const redis = redisUrl
      ? await steps.step('redis connected', async () => {
          const conn = openRedis({ url: redisUrl, name: `pharos:${role}`, logger });
          lifetime.defer('redis', () => conn.close());
          await waitForRedis(conn.client, {
            url: redisUrl,
            timeoutMs: config.database.connectTimeoutMs,
            onRetry: ({ attempt, delayMs, cause }) =>
              logger.warn({ attempt, delayMs, cause }, 'redis unreachable, retrying'),
          });
          return conn;
        })
      : null;

    const progress = openStatusTracking({
      config,
      logger,
      redis: redis?.client ?? null,
      persistence: createProgressPersistence(db.prisma),
      name: `pharos:${role}:progress`,
      // Workers only write progress: no pub/sub connections of their own.
      writeOnly: role === 'worker',
    });
    lifetime.defer('progress', () => progress.close());

    const embeddings = await steps.step('embedding model loaded', () =>
      loadEmbeddingService({
        model: config.embeddings.model,
        modelPath: config.embeddings.modelPath,
        allowRemote: config.embeddings.allowRemote,
        vocabularySize: config.embeddings.vocabularySize,
        logger,
      }),
    );
    lifetime.defer('embedding model', () => embeddings.close());

    const queue: ProcessingQueue = redisUrl
      ? createBeeJobQueue({
          redisUrl,
          prefix: queuePrefix(config),
          worker: role === 'worker',
          stallIntervalMs: config.worker.stallIntervalMs,
          retryPolicy,
          logger,
        })
      : createInProcessJobQueue({ retryPolicy, logger });
    lifetime.defer('queue', () => queue.close());

    return { config, logger, mode, role, db, redis, progress, queue, embeddings, retryPolicy, steps, lifetime };
  } catch (err) {
    await lifetime.close();
    throw err;
  }
}
