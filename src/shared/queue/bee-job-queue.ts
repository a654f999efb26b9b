import BeeQueue from 'bee-queue';
import { createThrottledWarn, type Logger } from '../logger.js';
import { ensureScriptsLoaded, reloadScriptsOnNoScript, sendCommand as command } from './bee-queue-scripts.js';
import {
  DEFAULT_RETRY_POLICY,
  PROCESS_RESOURCE_JOB,
  type JobConsumer,
  type ProcessingQueue,
  type ProcessJobsOptions,
  type ProcessResourceHandler,
  type ProcessResourceJob,
  type QueueJobState,
  type RetryPolicy,
} from './types.js';
import { withTimeout } from '../with-timeout.js';

export interface BeeJobQueueOptions {
  /** redis://… (bee-queue opens its own `redis` v3 connections: 1 producer, +1 blocking +1 events for workers). */
  readonly redisUrl: string;
  /** Key prefix (QUEUE_PREFIX); keys are `<prefix>:process-resource:*`. Default "pharos". */
  readonly prefix?: string;
  /** True in worker processes: opens the blocking connection and activates delayed (retrying) jobs. */
  readonly worker: boolean;
  /** A job whose worker stopped renewing its lock for this long is handed to another worker. Default 5 000 ms. */
  readonly stallIntervalMs?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly logger: Logger;
}

/** How long a "re-run after the current one" request lives when no worker consumes it. */
const RERUN_TTL_SECONDS = 24 * 3600;

/** How long the health probe's write check key lives. */
const PROBE_TTL_MS = 10_000;

// Where a job is, in one atomic read: its data hash entry exists exactly while it waits, runs or is
// delayed (removeOnSuccess/removeOnFailure drop it when it ends).
const JOB_STATE = `
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'missing' end
  if redis.call('LPOS', KEYS[2], ARGV[1]) then return 'active' end
  if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 'delayed' end
  return 'waiting'`;

/**
 * The processing queue on bee-queue. One job per resource at a time: the job id is the resource id,
 * so a second enqueue while one waits is a no-op. A re-run requested while the job is running
 * (a reprocess, `generation` set) is remembered in `<prefix>:process-resource:rerun:<id>` and
 * enqueued by the worker once the current run has finished. Retries: `retryPolicy.retries` with
 * exponential backoff. Stall detection: workers renew a lock every stallInterval/2 and check for
 * stalled jobs every stallInterval, so a job held by a killed worker runs again elsewhere.
 */
export function createBeeJobQueue(options: BeeJobQueueOptions): ProcessingQueue {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const stallIntervalMs = options.stallIntervalMs ?? 5_000;
  const logger = options.logger;
  const queue = new BeeQueue<ProcessResourceJob>(PROCESS_RESOURCE_JOB, {
    prefix: options.prefix ?? 'pharos',
    redis: { url: options.redisUrl } as BeeQueue.QueueSettings['redis'],
    isWorker: options.worker,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
    activateDelayedJobs: options.worker,
    removeOnSuccess: true,
    removeOnFailure: true,
    stallInterval: stallIntervalMs,
  });
  const warn = createThrottledWarn(logger);
  const warnReload = createThrottledWarn(logger);
  reloadScriptsOnNoScript(queue, (script) =>
    warnReload({ queue: queue.name, script }, 'Redis lost its script cache (restart or SCRIPT FLUSH): script reloaded'),
  );
  const stalledListeners = new Set<(resourceId: string) => void>();
  queue.on('stalled', (jobId: string) => {
    for (const listener of stalledListeners) {
      try {
        listener(jobId);
      } catch (err) {
        warn({ resourceId: jobId, err }, 'stalled-job listener failed');
      }
    }
  });
  queue.on('error', (err: Error & { code?: string }) =>
    warn({ queue: queue.name, code: err.code, message: err.message }, 'queue error'),
  );
  // bee-queue's own command connection (node_redis v3); its typings omit the property.
  const redisClient = (): unknown => (queue as unknown as { client: unknown }).client;
  const toKey = (suffix: string): string => (queue as unknown as { toKey(s: string): string }).toKey(suffix);
  const rerunKey = (id: string) => toKey(`rerun:${id}`);
  let consuming = false;
  let stopRaising = (): void => undefined;
  let closed = false;

  const create = async (job: ProcessResourceJob): Promise<boolean> => {
    const saved = await queue
      .createJob(job)
      .setId(job.resourceId)
      .retries(policy.retries)
      .backoff('exponential', policy.backoffBaseMs)
      .save();
    return saved.id !== null && saved.id !== undefined;
  };

  // Atomically: the job is running → leave the re-run marker (read once it finishes); waiting or
  // delayed → nothing to add (it reads the current row when it starts); otherwise it just finished
  // and was removed → 'gone', and the caller creates it again.
  const MARK_IF_ACTIVE = `
    if redis.call('LPOS', KEYS[1], ARGV[1]) then
      redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3]) return 'marked' end
    if redis.call('LPOS', KEYS[2], ARGV[1]) or redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 'queued' end
    return 'gone'`;

  const enqueueProcessResource = async (job: ProcessResourceJob): Promise<void> => {
    if (closed) throw new Error('queue is closed');
    await queue.ready();
    // create() and the state check are two steps: the existing job may finish (and be removed) in
    // between, so a 'gone' answer loops back to create. Each turn needs that job to end in that
    // very window, so a few turns suffice.
    for (let turn = 0; turn < 5; turn++) {
      if (await create(job)) return;
      if (job.generation === undefined) return;
      const state = await command(
        redisClient(),
        'EVAL',
        MARK_IF_ACTIVE,
        4,
        toKey('active'),
        toKey('waiting'),
        rerunKey(job.resourceId),
        toKey('delayed'),
        job.resourceId,
        String(job.generation),
        RERUN_TTL_SECONDS,
      );
      if (state !== 'gone') return;
    }
    logger.warn({ resourceId: job.resourceId }, 'could not queue a re-run: the job kept changing state');
  };

  const afterFinalOutcome = async (resourceId: string): Promise<void> => {
    const generation = await command(redisClient(), 'GETDEL', rerunKey(resourceId));
    if (generation === null) return;
    await create({ resourceId, generation: Number(generation) });
    logger.info({ resourceId }, 're-run requested during processing: queued again');
  };

  const processJobs = (handler: ProcessResourceHandler, opts: ProcessJobsOptions): JobConsumer => {
    if (!options.worker) throw new TypeError('processJobs needs a queue created with worker: true');
    if (consuming) throw new TypeError('processJobs was already called on this queue');
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
      throw new TypeError(`concurrency must be ≥ 1, got ${opts.concurrency}`);
    consuming = true;
    const running = new Map<string, AbortController>();
    queue.process(opts.concurrency, async (job: BeeQueue.Job<ProcessResourceJob>) => {
      const remaining = Number((job.options as { retries?: number }).retries ?? 0);
      const controller = new AbortController();
      running.set(job.id, controller);
      try {
        await handler(job.data, {
          jobId: job.id,
          attempt: policy.retries - remaining + 1,
          maxAttempts: policy.retries + 1,
          signal: controller.signal,
        });
      } finally {
        running.delete(job.id);
      }
    });
    const onFinal = (job: BeeQueue.Job<ProcessResourceJob>) => {
      afterFinalOutcome(job.data.resourceId).catch((err: unknown) =>
        warn({ resourceId: job.data.resourceId, err }, 'could not queue a requested re-run'),
      );
    };
    queue.on('succeeded', onFinal);
    // bee-queue 2 emits 'retrying' for a failure with retries left (and 'failed' too, for compatibility).
    queue.on('retrying', (job: BeeQueue.Job<ProcessResourceJob>, err: Error) =>
      logger.warn({ resourceId: job.data.resourceId, err: err.message }, 'job failed, retrying with backoff'),
    );
    queue.on('failed', (job, err) => {
      if (job.status === 'retrying') return;
      logger.error({ resourceId: job.data.resourceId, err: err.message }, 'job failed after its last retry');
      onFinal(job);
    });
    queue.on('stalled', (jobId) => logger.warn({ resourceId: jobId }, 'stalled job (its worker stopped) queued again'));
    // The first check's rejection (Redis down at start) is returned, not emitted: catch it, or it
    // is an unhandled rejection. Later checks report through 'error'.
    queue
      .checkStalledJobs(Math.max(100, Math.floor(stallIntervalMs / 2)))
      .catch((err: unknown) => warn({ queue: queue.name, err }, 'stalled-job check failed'));
    // bee-queue raises due delayed (retrying) jobs from a timer that it reschedules only after a success
    // or a dropped connection: any other error (LOADING while Redis replays its AOF after a restart)
    // stops it for good, and retries wait forever (seen in the fault suite). Nudge it on our own clock;
    // raising is idempotent and cheap (one script call that moves only jobs already due).
    const internals = queue as unknown as { _activateDelayed?: () => void };
    if (typeof internals._activateDelayed !== 'function')
      throw new TypeError('bee-queue internals changed: Queue#_activateDelayed is missing (bee-job-queue.ts)');
    const raiseDelayed = setInterval(() => internals._activateDelayed!(), Math.max(1_000, stallIntervalMs));
    raiseDelayed.unref();
    stopRaising = () => clearInterval(raiseDelayed);
    return {
      async stop(timeoutMs) {
        stopRaising();
        const abortTimer = setTimeout(() => running.forEach((c) => c.abort()), Math.max(0, timeoutMs - 50));
        try {
          await queue.close(Math.max(1, timeoutMs));
          return { drained: true };
        } catch {
          running.forEach((c) => c.abort());
          return { drained: false };
        } finally {
          closed = true;
          clearTimeout(abortTimer);
        }
      },
    };
  };

  return {
    enqueueProcessResource,
    processJobs,
    // Enqueueing needs the scripts in Redis' cache and a writable server: check both (and reload
    // scripts a restart or SCRIPT FLUSH dropped), so health says "down" exactly when saves would fail.
    async ping() {
      if (closed) throw new Error('queue is closed');
      await withTimeout(
        queue.ready().then(async () => {
          await ensureScriptsLoaded(redisClient());
          await command(redisClient(), 'SET', toKey('health'), String(Date.now()), 'PX', PROBE_TTL_MS);
        }),
        1_000,
        'queue ping timed out',
      );
    },
    async jobState(resourceId: string): Promise<QueueJobState> {
      if (closed) throw new Error('queue is closed');
      await queue.ready();
      const state = await command(
        redisClient(),
        'EVAL',
        JOB_STATE,
        3,
        toKey('jobs'),
        toKey('active'),
        toKey('delayed'),
        resourceId,
      );
      return state as QueueJobState;
    },
    onStalled(listener) {
      stalledListeners.add(listener);
      return () => void stalledListeners.delete(listener);
    },
    async close() {
      closed = true;
      stopRaising();
      await queue.close(1_000).catch(() => undefined);
    },
  };
}
