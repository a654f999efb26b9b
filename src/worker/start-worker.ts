import type { Config } from '../config/index.js';
import {
  applyMigrations,
  connectWithRetry,
  createDatabase,
  pingDatabase,
  type DatabaseHandle,
} from '../shared/database/index.js';
import { loadEmbeddingService, type EmbeddingService } from '../shared/embeddings/index.js';
import type { Logger } from '../shared/logger.js';
import {
  createBeeJobQueue,
  createInProcessJobQueue,
  DEFAULT_RETRY_POLICY,
  type JobConsumer,
  type ProcessingQueue,
  type RetryPolicy,
} from '../shared/queue/index.js';
import { openRedis, pingRedis } from '../shared/redis/index.js';
import { openStatusTracking, type StatusTracker } from '../shared/status-tracker/index.js';
import {
  createCategoryIndex,
  createUrlFetcher,
  DEFAULT_PIPELINE_SETTINGS,
  runPipeline,
  type PipelineDeps,
  type PipelineSettings,
} from '../modules/processing/index.js';
import { createProgressPersistence } from '../modules/resources/progress/index.js';
import { createInitSteps } from './init-steps.js';
import { recoverUnfinished } from './recover-unfinished.js';

export interface StartWorkerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /**
   * Shared with the API in embedded mode. Whatever is given here is used and NOT closed by `stop()`;
   * whatever is missing is opened from `config` and closed by `stop()`.
   */
  readonly db?: DatabaseHandle;
  readonly tracker?: StatusTracker;
  readonly queue?: ProcessingQueue;
  readonly embeddings?: EmbeddingService;
  readonly settings?: PipelineSettings;
  readonly retryPolicy?: RetryPolicy;
  /** Re-queue resources left PENDING/PROCESSING (lost in-process jobs, lost Redis data). Default true. */
  readonly recover?: boolean;
}

export interface WorkerRuntime {
  readonly queue: ProcessingQueue;
  readonly embeddings: EmbeddingService;
  /** Milliseconds from start to ready. */
  readonly startupMs: number;
  /**
   * Graceful shutdown: stop taking jobs, let running ones finish within WORKER_SHUTDOWN_TIMEOUT_MS
   * (then hand them back), close the queue, Redis and database this worker opened, release the model.
   * Safe to call twice.
   */
  stop(): Promise<{ drained: boolean }>;
}

/**
 * The worker composition root (`npm run worker`, and the in-process loop of embedded mode): connects
 * the database and Redis, loads the embedding model once (retries 1, 2, 4, 8, 16 s), indexes the
 * taxonomy, then consumes `process-resource` jobs with WORKER_CONCURRENCY, logging every step with
 * its time and memory and a final "worker ready" line.
 * @throws EmbeddingModelLoadError, DatabaseUnreachableError or MigrationError when a step fails for good
 * (everything opened so far is closed first).
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerRuntime> {
  const { config, logger } = options;
  const steps = createInitSteps(logger);
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error during worker shutdown');
      }
    }
  };
  try {
    const db =
      options.db ??
      (await steps.step('database connected', async () => {
        const handle = createDatabase({
          url: config.database.url.reveal(),
          poolMin: 1,
          poolMax: Math.max(2, config.worker.concurrency * 2),
        });
        closers.push(() => handle.close());
        await connectWithRetry(handle, {
          url: config.database.url.reveal(),
          timeoutMs: config.database.connectTimeoutMs,
          onRetry: ({ attempt, delayMs, cause }) =>
            logger.warn({ attempt, delayMs, cause }, 'database unreachable, retrying'),
        });
        await pingDatabase(handle);
        if (config.database.autoMigrate) {
          const { applied } = await applyMigrations({
            url: config.database.url.reveal(),
            log: (msg) => logger.debug(msg),
          });
          if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
        }
        return handle;
      }));

    let tracker = options.tracker;
    if (!tracker) {
      const redis = config.redis.url
        ? await steps.step('redis connected', async () => {
            const conn = openRedis({ url: config.redis.url!.reveal(), name: 'pharos:worker', logger });
            closers.push(() => conn.close());
            await waitForRedis(() => pingRedis(conn.client), config.database.connectTimeoutMs);
            return conn;
          })
        : null;
      const tracking = openStatusTracking({
        config,
        logger,
        redis: redis?.client ?? null,
        persistence: createProgressPersistence(db.prisma),
        name: 'pharos:worker:progress',
      });
      closers.push(() => tracking.close());
      tracker = tracking.tracker;
    }

    const embeddings =
      options.embeddings ??
      (await steps.step('embedding model loaded', async () => {
        const service = await loadEmbeddingService({
          model: config.embeddings.model,
          modelPath: config.embeddings.modelPath,
          allowRemote: config.embeddings.allowRemote,
          vocabularySize: config.embeddings.vocabularySize,
          logger,
        });
        closers.push(() => service.close());
        return service;
      }));

    const categories = createCategoryIndex(db.prisma, embeddings);
    await steps.step('taxonomy indexed', () => categories.get());
    const fetcher = createUrlFetcher({ allowPrivate: config.allowPrivateUrls });
    closers.push(() => fetcher.close());

    const retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    const queue =
      options.queue ??
      (await steps.step('queue connected', async () => {
        const q = config.redis.url
          ? createBeeJobQueue({
              redisUrl: config.redis.url.reveal(),
              prefix: queuePrefix(config),
              worker: true,
              stallIntervalMs: config.worker.stallIntervalMs,
              retryPolicy,
              logger,
            })
          : createInProcessJobQueue({ retryPolicy, logger });
        closers.push(() => q.close());
        await q.ping();
        return q;
      }));

    const deps: PipelineDeps = {
      db: db.prisma,
      tracker,
      embeddings,
      fetcher,
      categories,
      logger,
      settings: options.settings ?? DEFAULT_PIPELINE_SETTINGS,
    };
    const consumer: JobConsumer = queue.processJobs(
      async (job, context) => {
        await runPipeline(deps, job, context);
      },
      { concurrency: config.worker.concurrency },
    );
    if (options.recover ?? true) {
      const requeued = await recoverUnfinished(db.prisma, queue).catch((err: unknown) => {
        logger.warn({ err }, 'could not re-queue unfinished resources');
        return 0;
      });
      if (requeued > 0) logger.info({ requeued }, 're-queued unfinished resources');
    }
    const startupMs = steps.ready({
      concurrency: config.worker.concurrency,
      model: embeddings.modelId,
      mode: config.redis.url ? 'distributed' : 'embedded',
    });

    let stopping: Promise<{ drained: boolean }> | null = null;
    return {
      queue,
      embeddings,
      startupMs,
      stop() {
        stopping ??= (async () => {
          const t = Date.now();
          const result = await consumer.stop(config.worker.shutdownTimeoutMs);
          if (result.drained) logger.info({ ms: Date.now() - t }, 'worker drained: running jobs finished');
          else
            logger.warn(
              { timeoutMs: config.worker.shutdownTimeoutMs },
              'shutdown timeout: unfinished jobs handed back to the queue',
            );
          await closeAll();
          return result;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** bee-queue prefix derived from REDIS_KEY_PREFIX ("pharos:" → keys "pharos:queue:process-resource:*"). */
export function queuePrefix(config: Config): string {
  return `${config.redis.keyPrefix.replace(/:+$/, '')}:queue`;
}

async function waitForRedis(ping: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await ping();
    } catch (err) {
      if (Date.now() + delay > deadline)
        throw new Error(`Redis did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
