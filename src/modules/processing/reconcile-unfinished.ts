import type { Database } from '../../shared/database/index.js';
import type { JobQueue, QueueJobState } from '../../shared/queue/index.js';
import {
  decodeStageState,
  encodeStageState,
  type ResourceProgress,
  type StatusTracker,
} from '../../shared/status-tracker/index.js';

/** Stage error of a stage whose worker stopped, while its job waits for another worker. */
export const STALLED_REASON = 'Worker stopped; waiting for another worker';
/** Stage error of a stage whose job was lost (Redis lost its data) and has been queued again. */
export const LOST_JOB_REASON = 'Its job was lost (Redis restarted); queued again';

export interface ReconcileDeps {
  readonly db: Database;
  readonly queue: Pick<JobQueue, 'enqueueProcessResource' | 'jobState'>;
  readonly tracker: Pick<StatusTracker, 'getProgressMany' | 'markInterrupted'>;
}

export interface ReconcileResult {
  /** Unfinished rows looked at. */
  readonly checked: number;
  /** Resources whose job was gone and that were queued again. */
  readonly requeued: number;
  /** Resources whose stale PROCESSING stages were shown PENDING again. */
  readonly interrupted: number;
  /** Rows that disagreed with the live record and were brought up to date. */
  readonly synced: number;
}

const FINAL = new Set(['COMPLETED', 'FAILED']);
/** Job-state queries sent at once (each is one round trip). */
const PARALLEL = 25;

/**
 * One reconciliation pass over the oldest `limit` rows whose stored state is PENDING or PROCESSING:
 * - a row behind its live progress record (a final write lost in a database outage) gets the live snapshot;
 * - a resource whose job is gone (Redis lost its data, an enqueue that failed) is queued again;
 * - a stage still PROCESSING while no worker holds the job (it waits after a crash) is shown PENDING
 *   with a reason, until a worker takes the job.
 * Safe beside live workers: the live record is read before the job state and changed only if its version
 * is unchanged, enqueueing never duplicates a job, and a row is only overwritten if it is still as read.
 */
export async function reconcileUnfinished(deps: ReconcileDeps, limit: number): Promise<ReconcileResult> {
  const rows = await deps.db.resource.findMany({
    where: { overallStatus: { in: ['PENDING', 'PROCESSING'] } },
    select: { id: true, stageState: true, overallStatus: true },
    orderBy: { updatedAt: 'asc' },
    take: limit,
  });
  if (rows.length === 0) return { checked: 0, requeued: 0, interrupted: 0, synced: 0 };
  const ids = rows.map((r) => r.id);
  // Order matters: live record first, job state second (see reconcileResource).
  const before = await deps.tracker.getProgressMany(ids);
  const states: QueueJobState[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL)
    states.push(...(await Promise.all(ids.slice(i, i + PARALLEL).map((id) => deps.queue.jobState(id)))));
  // A job that ended between the two reads left its final state in the live record: read those again.
  const missing = ids.filter((_, i) => states[i] === 'missing');
  const after = new Map((await deps.tracker.getProgressMany(missing)).map((s) => [s.resourceId, s]));

  let requeued = 0;
  let interrupted = 0;
  let synced = 0;
  for (const [i, row] of rows.entries()) {
    const state = states[i] as QueueJobState;
    const live = (state === 'missing' ? after.get(row.id) : undefined) ?? (before[i] as ResourceProgress);
    if (await syncRow(deps.db, row, live)) synced++;
    if (FINAL.has(live.overallStatus) || state === 'active') continue;
    if (hasProcessing(live)) {
      const reason = state === 'missing' ? LOST_JOB_REASON : STALLED_REASON;
      if (await deps.tracker.markInterrupted(row.id, { reason, ifVersion: live.version })) interrupted++;
    }
    if (state === 'missing') {
      await deps.queue.enqueueProcessResource({ resourceId: row.id });
      requeued++;
    }
  }
  return { checked: rows.length, requeued, interrupted, synced };
}

/**
 * For a job stall detection just handed back: shows its stale PROCESSING stages as PENDING with
 * STALLED_REASON unless a worker has taken it meanwhile. Resolves true when it changed the record.
 */
export async function markStalled(
  deps: Pick<ReconcileDeps, 'queue' | 'tracker'>,
  resourceId: string,
): Promise<boolean> {
  // Read, then check the job: if a worker took it after the read, its first write changes the version
  // and the conditional change below does nothing (that run clears stale stages itself).
  const [live] = await deps.tracker.getProgressMany([resourceId]);
  if (!live || !hasProcessing(live)) return false;
  if ((await deps.queue.jobState(resourceId)) === 'active') return false;
  return (await deps.tracker.markInterrupted(resourceId, { reason: STALLED_REASON, ifVersion: live.version })) !== null;
}

function hasProcessing(snapshot: ResourceProgress): boolean {
  return snapshot.stages.some((s) => s.status === 'PROCESSING');
}

/** What the row keeps of a snapshot: final stage outcomes (PROCESSING is never stored as such). */
function durable(snapshot: ResourceProgress): string {
  return snapshot.stages.map((s) => (FINAL.has(s.status) ? s.status : '-')).join();
}

async function syncRow(
  db: Database,
  row: { id: string; stageState: string | null; overallStatus: string },
  live: ResourceProgress,
): Promise<boolean> {
  const stored = decodeStageState(row.id, row.stageState);
  if (live.version <= (stored?.version ?? 0)) return false;
  if (row.overallStatus === live.overallStatus && stored && durable(stored) === durable(live)) return false;
  // Only if the row is still as read: a worker's newer write wins over this one.
  const { count } = await db.resource.updateMany({
    where: { id: row.id, stageState: row.stageState },
    data: { stageState: encodeStageState(live), overallStatus: live.overallStatus },
  });
  return count > 0;
}
