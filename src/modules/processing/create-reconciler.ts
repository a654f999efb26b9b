import type { Database } from '../../shared/database/index.js';
import { createThrottledWarn, type Logger } from '../../shared/logger.js';
import type { ClusterLock, JobQueue, ProcessingQueue } from '../../shared/queue/index.js';
import type { StatusTracker } from '../../shared/status-tracker/index.js';
import { markStalled, reconcileUnfinished } from './reconcile-unfinished.js';

export interface CreateReconcilerOptions {
  readonly db: Database;
  /** `onStalled`, when present (a worker's queue), also resets progress of jobs this process finds stalled. */
  readonly queue: Pick<JobQueue, 'enqueueProcessResource' | 'jobState'> & Partial<Pick<ProcessingQueue, 'onStalled'>>;
  readonly tracker: Pick<StatusTracker, 'getProgressMany' | 'markInterrupted'>;
  /** One pass at a time across the cluster: createRedisClusterLock (distributed) or createInProcessClusterLock. */
  readonly lock: ClusterLock;
  /** Time between passes in ms (RECONCILE_INTERVAL_MS); the first pass runs one interval after creation. */
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Most rows looked at per pass, oldest update first (default 1 000). */
  readonly batchSize?: number;
}

export interface Reconciler {
  /**
   * One pass now, if this process gets the cluster lock (otherwise resolves 0 at once).
   * Resolves to the number of resources queued again. Rejects when the database, Redis or queue fails.
   */
  runOnce(): Promise<number>;
  /** Stops the timer and the stalled-job listener, waits for a running pass, gives the lock up. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The periodic reconciler: every `intervalMs`, one process of the cluster (whoever holds the
 * lock, a lease of 80 % of the interval) re-queues resources whose row says PENDING/PROCESSING but whose
 * job is gone, shows stages a crashed worker left PROCESSING as PENDING with a reason, and copies the live
 * progress record onto rows that fell behind it. The database row and the live record therefore never
 * disagree for longer than about one interval. See reconcileUnfinished for the rules.
 * @throws TypeError for an interval below 100 ms or a batch size below 1.
 */
export function createReconciler(options: CreateReconcilerOptions): Reconciler {
  const { logger, lock, intervalMs } = options;
  const batchSize = options.batchSize ?? 1_000;
  if (!Number.isInteger(intervalMs) || intervalMs < 100)
    throw new TypeError(`intervalMs must be an integer ≥ 100, got ${intervalMs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`batchSize must be ≥ 1, got ${batchSize}`);
  const deps = { db: options.db, queue: options.queue, tracker: options.tracker };
  // Shorter than the interval, so the holder's own next pass finds it free and passes stay one interval apart.
  const leaseMs = Math.max(50, Math.floor(intervalMs * 0.8));
  const warn = createThrottledWarn(logger);
  let running: Promise<number> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const pass = async (): Promise<number> => {
    if (!(await lock.tryAcquire(leaseMs))) return 0;
    const started = Date.now();
    const result = await reconcileUnfinished(deps, batchSize);
    if (result.requeued + result.interrupted + result.synced > 0)
      logger.info({ ...result, ms: Date.now() - started }, 'reconciled unfinished resources');
    return result.requeued;
  };

  const runOnce = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => warn({ err }, 'reconciler pass failed; retrying next interval'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  const offStalled = options.queue.onStalled?.((resourceId) => {
    markStalled(deps, resourceId).catch((err: unknown) =>
      warn({ resourceId, err }, 'could not show a stalled job as waiting'),
    );
  });
  schedule();

  let stopping: Promise<void> | null = null;
  return {
    runOnce,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        offStalled?.();
        await running?.catch(() => undefined);
        await lock.release().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
