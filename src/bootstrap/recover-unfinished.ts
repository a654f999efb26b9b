import type { Database } from '../shared/database/index.js';
import type { JobQueue } from '../shared/queue/index.js';

/**
 * Queues every resource whose stored state is PENDING or PROCESSING (at most `limit`, oldest first).
 * Safe with live workers: a job already waiting or running for a resource is not duplicated.
 * Needed in embedded mode (in-process jobs die with the process) and after Redis lost its data.
 */
export async function recoverUnfinished(
  db: Database,
  queue: Pick<JobQueue, 'enqueueProcessResource'>,
  limit = 10_000,
): Promise<number> {
  const rows = await db.resource.findMany({
    where: { overallStatus: { in: ['PENDING', 'PROCESSING'] } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: limit,
  });
  for (const row of rows) await queue.enqueueProcessResource({ resourceId: row.id });
  return rows.length;
}
