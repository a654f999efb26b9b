import type { Viewer } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { ownerScope } from './access/owner-scope.js';
import { RESOURCE_ROW_SELECT, type ResourceRow } from './access/resource-row.js';
import type { ProcessingTrigger } from './create-resource.js';
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
 * @throws AppError NOT_FOUND for a missing or foreign resource; SERVICE_UNAVAILABLE when the queue is unreachable.
 */
export async function reprocessResource(options: ReprocessResourceOptions): Promise<ResourceRow> {
  const { db, viewer, id } = options;
  const found = await db.prisma.resource.findFirst({ where: { id, ...ownerScope(viewer) }, select: { id: true } });
  if (!found) throw notFound();
  const row = await db.prisma.resource
    .update({ where: { id }, data: { categoriesManual: false }, select: RESOURCE_ROW_SELECT })
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === 'P2025') throw notFound();
      throw err;
    });
  try {
    await options.tracker.initProgress(id);
    await options.queue.enqueueProcessResource({ resourceId: id, generation: (options.now ?? Date.now)() });
  } catch (err) {
    options.logger.error({ err, resourceId: id }, 'could not queue reprocessing');
    throw new AppError('SERVICE_UNAVAILABLE', 'Processing is unavailable right now; please try again shortly', {
      internal: err,
    });
  }
  return row;
}
