import type { Logger } from '../logger.js';
import {
  DEFAULT_RETRY_POLICY,
  type JobConsumer,
  type ProcessingQueue,
  type ProcessJobsOptions,
  type ProcessResourceHandler,
  type ProcessResourceJob,
  type RetryPolicy,
} from './types.js';

export interface InProcessJobQueueOptions {
  readonly retryPolicy?: RetryPolicy;
  readonly logger: Logger;
}

type Entry = {
  job: ProcessResourceJob;
  attempt: number;
  state: 'waiting' | 'delayed' | 'active';
  rerun: ProcessResourceJob | null;
  timer?: NodeJS.Timeout;
};

/**
 * The embedded-mode queue: same contract and retry policy as the bee-queue one, in memory.
 * One entry per resource (waiting, delayed for a retry, or active); a re-run requested while active
 * runs once the current run ends. Jobs do not survive the process: the embedded worker re-queues
 * unfinished resources at start (see src/worker).
 */
export function createInProcessJobQueue(options: InProcessJobQueueOptions): ProcessingQueue {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const { logger } = options;
  const entries = new Map<string, Entry>();
  const waiting: string[] = [];
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let handler: ProcessResourceHandler | null = null;
  let concurrency = 0;
  let stopping = false;
  let closed = false;

  const pump = (): void => {
    while (handler && !stopping && running.size < concurrency && waiting.length > 0) {
      const id = waiting.shift()!;
      const entry = entries.get(id);
      if (!entry || entry.state !== 'waiting') continue;
      start(id, entry, handler);
    }
  };

  const start = (id: string, entry: Entry, run: ProcessResourceHandler): void => {
    entry.state = 'active';
    const controller = new AbortController();
    const context = { jobId: id, attempt: entry.attempt, maxAttempts: policy.retries + 1, signal: controller.signal };
    const done = Promise.resolve()
      .then(() => run(entry.job, context))
      .then(
        () => finish(id, entry, null),
        (err: unknown) => finish(id, entry, err),
      )
      .finally(() => {
        running.delete(id);
        pump();
      });
    running.set(id, { controller, done });
  };

  const finish = (id: string, entry: Entry, err: unknown): void => {
    if (err !== null && entry.attempt <= policy.retries && !stopping) {
      const delayMs = policy.backoffBaseMs * 2 ** (entry.attempt - 1);
      logger.warn(
        { resourceId: id, attempt: entry.attempt, delayMs, err: err instanceof Error ? err.message : String(err) },
        'job failed, retrying with backoff',
      );
      entry.attempt += 1;
      entry.state = 'delayed';
      entry.timer = setTimeout(() => {
        entry.state = 'waiting';
        waiting.push(id);
        pump();
      }, delayMs);
      return;
    }
    if (err !== null)
      logger.error(
        { resourceId: id, err: err instanceof Error ? err.message : String(err) },
        'job failed after its last retry',
      );
    entries.delete(id);
    if (entry.rerun && !stopping) {
      add(entry.rerun);
      logger.info({ resourceId: id }, 're-run requested during processing: queued again');
    }
  };

  const add = (job: ProcessResourceJob): void => {
    entries.set(job.resourceId, { job, attempt: 1, state: 'waiting', rerun: null });
    waiting.push(job.resourceId);
    pump();
  };

  return {
    async enqueueProcessResource(job) {
      if (closed) throw new Error('queue is closed');
      const existing = entries.get(job.resourceId);
      if (!existing) return add(job);
      if (existing.state === 'active' && job.generation !== undefined) existing.rerun = job;
    },
    processJobs(fn: ProcessResourceHandler, opts: ProcessJobsOptions): JobConsumer {
      if (handler) throw new TypeError('processJobs was already called on this queue');
      if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
        throw new TypeError(`concurrency must be ≥ 1, got ${opts.concurrency}`);
      handler = fn;
      concurrency = opts.concurrency;
      pump();
      return {
        async stop(timeoutMs) {
          stopping = true;
          for (const entry of entries.values()) clearTimeout(entry.timer);
          const all = Promise.all([...running.values()].map((r) => r.done)).then(() => true);
          let timer: NodeJS.Timeout | undefined;
          const drained = await Promise.race([
            all,
            new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
          ]);
          clearTimeout(timer);
          if (!drained) running.forEach((r) => r.controller.abort());
          return { drained };
        },
      };
    },
    async ping() {
      if (closed) throw new Error('queue is closed');
    },
    async jobState(resourceId) {
      if (closed) throw new Error('queue is closed');
      return entries.get(resourceId)?.state ?? 'missing';
    },
    onStalled() {
      return () => undefined;
    },
    async close() {
      closed = true;
      stopping = true;
      for (const entry of entries.values()) clearTimeout(entry.timer);
    },
  };
}
