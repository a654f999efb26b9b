import {
  createCategoryIndex,
  createReconciler,
  createUrlFetcher,
  DEFAULT_PIPELINE_SETTINGS,
  runPipeline,
  type PipelineSettings,
} from '../modules/processing/index.js';
import type { Logger } from '../shared/logger.js';
import { createInProcessClusterLock, createRedisClusterLock } from '../shared/queue/index.js';
import type { Platform } from './bootstrap.js';

export interface StartProcessingOptions {
  readonly settings?: PipelineSettings;
  /** Re-queue resources left PENDING/PROCESSING (lost in-process jobs, lost Redis data). Default true. */
  readonly recover?: boolean;
  /** Logger of the jobs (the API's in-process worker tags its lines `component: worker`). Default the platform's. */
  readonly logger?: Logger;
}

export interface Processing {
  /** Milliseconds from process start to ready. */
  readonly startupMs: number;
  /**
   * Stops taking jobs and lets running ones finish within WORKER_SHUTDOWN_TIMEOUT_MS (then hands them
   * back to the queue). Also registered on the platform's lifetime, so closing that stops this first.
   * Safe to call twice.
   */
  stop(): Promise<{ drained: boolean }>;
}

/**
 * Consumes `process-resource` jobs on the platform's queue with WORKER_CONCURRENCY: indexes the
 * taxonomy, checks the queue, runs the five stages per job, and re-queues unfinished resources.
 * The worker process calls this; in embedded mode the API process calls it for its in-process worker.
 */
export async function startProcessing(platform: Platform, options: StartProcessingOptions = {}): Promise<Processing> {
  const { config, db, queue, embeddings, steps, lifetime } = platform;
  const logger = options.logger ?? platform.logger;
  const categories = createCategoryIndex(db.prisma, embeddings);
  await steps.step('taxonomy indexed', () => categories.get());
  const fetcher = createUrlFetcher({ allowPrivate: config.allowPrivateUrls });
  lifetime.defer('url fetcher', () => fetcher.close());
  await steps.step('queue connected', () => queue.ping());

  const deps = {
    db: db.prisma,
    tracker: platform.progress.tracker,
    embeddings,
    fetcher,
    categories,
    logger,
    settings: options.settings ?? {
      ...DEFAULT_PIPELINE_SETTINGS,
      transientRetryWindowMs: config.worker.transientRetryWindowMs,
    },
  };
  const consumer = queue.processJobs(
    async (job, context) => {
      await runPipeline(deps, job, context);
    },
    { concurrency: config.worker.concurrency },
  );
  let stopping: Promise<{ drained: boolean }> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const t = Date.now();
      const result = await consumer.stop(config.worker.shutdownTimeoutMs);
      if (result.drained) logger.info({ ms: Date.now() - t }, 'worker drained: running jobs finished');
      else
        logger.warn(
          { timeoutMs: config.worker.shutdownTimeoutMs },
          'shutdown timeout: unfinished jobs handed back to the queue',
        );
      return result;
    })();
    return stopping;
  };
  lifetime.defer('processing', async () => void (await stop()));
  // Every RECONCILE_INTERVAL_MS one worker of the cluster (a Redis lease) re-queues resources whose row
  // says unfinished but whose job is gone, and resets progress of jobs no worker holds. Stops first.
  const reconciler = createReconciler({
    db: db.prisma,
    queue,
    tracker: platform.progress.tracker,
    lock: platform.redis
      ? createRedisClusterLock({ redis: platform.redis.client, key: `${config.redis.keyPrefix}lock:reconciler` })
      : createInProcessClusterLock(),
    intervalMs: config.worker.reconcileIntervalMs,
    logger,
  });
  lifetime.defer('reconciler', () => reconciler.stop());
  // At start too: in-process jobs die with their process, and Redis may have lost its data meanwhile.
  if (options.recover ?? true) {
    const requeued = await reconciler.runOnce().catch((err: unknown) => {
      logger.warn({ err }, 'could not re-queue unfinished resources');
      return 0;
    });
    if (requeued > 0) logger.info({ requeued }, 're-queued unfinished resources');
  }
  const startupMs = steps.ready({
    concurrency: config.worker.concurrency,
    model: embeddings.modelId,
    mode: platform.mode,
  });
  return { startupMs, stop };
}
