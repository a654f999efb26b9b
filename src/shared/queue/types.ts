/** Name of the job that runs a resource through the five stages. */
export const PROCESS_RESOURCE_JOB = 'process-resource';

export interface ProcessResourceJob {
  readonly resourceId: string;
  /** Increments on reprocess so a new run is not mistaken for a duplicate of the old one. */
  readonly generation?: number;
}

/**
 * The processing queue: bee-queue on Redis (distributed) or in-process (embedded), same retry policy.
 * Implemented by src/shared/queue (issue 6). The resources slice enqueues; the worker composition root processes.
 */
export interface JobQueue {
  /** Enqueues processing for a resource; a job already waiting or running for it is not duplicated. */
  enqueueProcessResource(job: ProcessResourceJob): Promise<void>;
  /** Resolves when the queue backend answers (health probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
