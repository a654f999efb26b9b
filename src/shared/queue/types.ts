/** Name of the job that runs a resource through the five stages. */
export const PROCESS_RESOURCE_JOB = 'process-resource';

export interface ProcessResourceJob {
  readonly resourceId: string;
  /** Increments on reprocess so a new run is not mistaken for a duplicate of the old one. */
  readonly generation?: number;
}

/**
 * The processing queue: bee-queue on Redis (distributed) or in-process (embedded), same retry policy.
 * Implemented by src/shared/queue. The resources slice enqueues; the worker composition root processes.
 */
export interface JobQueue {
  /** Enqueues processing for a resource; a job already waiting or running for it is not duplicated. */
  enqueueProcessResource(job: ProcessResourceJob): Promise<void>;
  /**
   * Resolves when the queue can take a job (health probe): bee-queue checks that Redis answers, holds
   * the queue's scripts (reloading any a restart or SCRIPT FLUSH dropped) and accepts writes.
   */
  ping(): Promise<void>;
  /**
   * Where the resource's job is: 'waiting' (queued, or handed back by stall detection), 'active'
   * (held by a worker), 'delayed' (waiting for a retry), or 'missing' (no job: finished, never queued,
   * or lost with Redis' data). Used by the reconciler. Rejects when the backend is unreachable.
   */
  jobState(resourceId: string): Promise<QueueJobState>;
  close(): Promise<void>;
}

/** See JobQueue.jobState. */
export type QueueJobState = 'waiting' | 'active' | 'delayed' | 'missing';

/** What a handler knows about the run it is in. */
export interface JobContext {
  /** The job id (= the resource id: one job per resource at a time). */
  readonly jobId: string;
  /** 1 for the first run, 2..maxAttempts for retries after a thrown error. */
  readonly attempt: number;
  /** 1 + retries: on this attempt a thrown error is final. */
  readonly maxAttempts: number;
  /** Aborted when the worker stops and the shutdown timeout passed: stop at the next safe point. */
  readonly signal: AbortSignal;
}

/**
 * Processes one job. Resolving completes it; throwing retries it (exponential backoff) until
 * `maxAttempts`, then it is dropped. A handler decides itself which errors are worth a retry:
 * it records permanent failures and resolves.
 */
export type ProcessResourceHandler = (job: ProcessResourceJob, context: JobContext) => Promise<void>;

export interface ProcessJobsOptions {
  /** Jobs run at once by this process (WORKER_CONCURRENCY). */
  readonly concurrency: number;
}

/** A running consumer of the queue. */
export interface JobConsumer {
  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones. Jobs still running then are
   * handed back (bee-queue: another worker picks them up after the stall interval) and their
   * handlers' `signal` is aborted. Safe to call twice.
   */
  stop(timeoutMs: number): Promise<{ drained: boolean }>;
}

/** The queue as a worker sees it: enqueue plus consume. */
export interface ProcessingQueue extends JobQueue {
  /**
   * Starts consuming `process-resource` jobs with `handler`.
   * @throws TypeError when called twice or with concurrency < 1.
   */
  processJobs(handler: ProcessResourceHandler, options: ProcessJobsOptions): JobConsumer;
  /**
   * Calls `listener` with the resource id of every job this process's stall detection handed back to
   * the queue (its worker stopped renewing the lock: crash, kill -9). The job is 'waiting' again.
   * The in-process queue never stalls. Returns a function that removes the listener.
   */
  onStalled(listener: (resourceId: string) => void): () => void;
}

/** Retry policy shared by both queue implementations. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  readonly retries: number;
  /** Delay before the first retry in ms; doubles each time (default 1 000: 1 s, 2 s, 4 s). */
  readonly backoffBaseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ retries: 3, backoffBaseMs: 1_000 });
