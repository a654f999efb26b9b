import type { Viewer } from '../../shared/context.js';
import { isPrismaError } from '../../shared/database/database-errors.js';
import { notFound } from '../../shared/errors.js';
import { ownerScope } from './access/owner-scope.js';
import { RESOURCE_ROW_SELECT, type ResourceRow } from './access/resource-row.js';
import { queueProcessing, type ProcessingTrigger } from './queue-processing.js';
import type { ResourcesDatabase } from './resources.deps.js';

export interface ReprocessResourceOptions extends ProcessingTrigger {
  readonly db: ResourcesDatabase;
  readonly viewer: Viewer;
  readonly id: string;
  /** Clock for the job generation (tests). */
  readonly now?: () => number;
}

/**
 * Runs every stage again (re-fetch, re-embed with the current model, re-score, re-classify, new edges).
 * Manual categories are dropped: classification takes over again. Progress resets to all PENDING; a
 * run already in progress finishes and the new one follows it (job generation).
 *
 * An error answer leaves the resource as it was: the queue is pinged before anything is written, and when
 * enqueueing fails afterwards the manual flag, the stored stage state, the overall status and `updatedAt`
 * are written back (queue-processing.ts).
 * @throws AppError NOT_FOUND for a missing or foreign resource; SERVICE_UNAVAILABLE when the queue is unreachable.
 */
export async function reprocessResource(options: ReprocessResourceOptions): Promise<ResourceRow> {
  const { db, viewer, id } = options;
  const before = await db.prisma.resource.findFirst({
    where: { id, ...ownerScope(viewer) },
    select: { categoriesManual: true, stageState: true, overallStatus: true, updatedAt: true },
  });
  if (!before) throw notFound();
  return queueProcessing(options, () => id, {
    apply: () =>
      db.prisma.resource
        .update({ where: { id }, data: { categoriesManual: false }, select: RESOURCE_ROW_SELECT })
        .catch((err: unknown) => {
          if (isPrismaError(err, 'P2025')) throw notFound();
          throw err;
        }),
    // `updatedAt` given explicitly overrides @updatedAt, so the row is byte-for-byte what it was.
    undo: async () => {
      await db.prisma.resource.updateMany({ where: { id }, data: before });
    },
    job: () => ({ resourceId: id, generation: (options.now ?? Date.now)() }),
  });
}
