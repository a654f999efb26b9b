import { serviceUnavailable, type AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { JobQueue, ProcessResourceJob } from '../../shared/queue/types.js';
import type { StatusTracker } from '../../shared/status-tracker/types.js';

/** What creating and reprocessing need besides the database. */
export interface ProcessingTrigger {
  /** `ping` is asked first, so a mutation refused for an unreachable queue writes nothing. */
  readonly queue: Pick<JobQueue, 'enqueueProcessResource' | 'ping'>;
  readonly tracker: Pick<StatusTracker, 'initProgress' | 'clearProgress'>;
  readonly logger: Logger;
}

const UNAVAILABLE_MESSAGE = 'Processing is unavailable right now; please try again shortly';

export interface QueueProcessingOptions<T> {
  /** The database change that goes with the job (create the row, reset the manual flag). */
  readonly apply: () => Promise<T>;
  /** Undoes `apply` when the job could not be queued. Its own failure is logged, not thrown. */
  readonly undo: (applied: T) => Promise<void>;
  readonly job: (applied: T) => ProcessResourceJob;
}

/**
 * Runs a mutation that must queue processing, so that an error answer leaves no change behind:
 * 1. the queue is pinged first: when it is down nothing is written at all;
 * 2. `apply` writes the database change (the worker must see it when the job runs, so it comes before the job);
 * 3. progress is reset to all PENDING and the job is enqueued;
 * 4. if step 3 fails (the queue went down in between), `undo` restores the row and the live progress
 *    record is dropped, so reads fall back to the restored row.
 * @throws AppError SERVICE_UNAVAILABLE when the queue or the progress store is unreachable; errors of `apply` as they are.
 */
export async function queueProcessing<T>(
  trigger: ProcessingTrigger,
  resourceId: (applied: T) => string,
  options: QueueProcessingOptions<T>,
): Promise<T> {
  try {
    await trigger.queue.ping();
  } catch (err) {
    trigger.logger.warn({ err: summary(err) }, 'processing queue unreachable: mutation refused before any change');
    throw unavailable(err);
  }
  const applied = await options.apply();
  const id = resourceId(applied);
  try {
    await trigger.tracker.initProgress(id);
    await trigger.queue.enqueueProcessResource(options.job(applied));
  } catch (err) {
    trigger.logger.error({ err: summary(err), resourceId: id }, 'could not queue processing: change undone');
    try {
      await options.undo(applied);
    } catch (undoErr) {
      trigger.logger.error(
        { err: summary(undoErr), resourceId: id },
        'could not undo the change of a mutation whose processing was not queued',
      );
    }
    // Best effort (Redis may be what failed): the record would otherwise shadow the restored row until its TTL.
    await trigger.tracker.clearProgress(id).catch(() => undefined);
    throw unavailable(err);
  }
  return applied;
}

const unavailable = (err: unknown): AppError => serviceUnavailable(UNAVAILABLE_MESSAGE, { internal: err });

/** Code and message only: ioredis errors can carry command arguments. */
function summary(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), message: String(e?.message ?? err) };
}
