import type { Config } from '../config/index.js';
import { bootstrap, startProcessing, type Platform } from '../bootstrap/index.js';
import type { PipelineSettings } from '../modules/processing/index.js';
import type { Logger } from '../shared/logger.js';
import type { RetryPolicy } from '../shared/queue/index.js';

export interface StartWorkerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly settings?: PipelineSettings;
  readonly retryPolicy?: RetryPolicy;
  /** Re-queue resources left PENDING/PROCESSING at start. Default true. */
  readonly recover?: boolean;
}

export interface WorkerRuntime {
  readonly platform: Platform;
  /** Milliseconds from start to ready. */
  readonly startupMs: number;
  /**
   * Graceful shutdown: stop taking jobs, let running ones finish within WORKER_SHUTDOWN_TIMEOUT_MS
   * (then hand them back), then close everything the bootstrap opened. Safe to call twice.
   */
  stop(): Promise<{ drained: boolean }>;
}

/**
 * The worker composition root (`npm run worker`): the shared bootstrap (database, Redis, model, queue),
 * then the processing loop on it.
 * @throws the bootstrap's start-up errors (everything opened so far is closed first).
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerRuntime> {
  const platform = await bootstrap({ ...options, role: 'worker' });
  try {
    const processing = await startProcessing(platform, options);
    let stopping: Promise<{ drained: boolean }> | null = null;
    return {
      platform,
      startupMs: processing.startupMs,
      stop() {
        stopping ??= processing.stop().then(async (result) => {
          await platform.lifetime.close();
          return result;
        });
        return stopping;
      },
    };
  } catch (err) {
    await platform.lifetime.close();
    throw err;
  }
}
