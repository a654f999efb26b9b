import type { Viewer } from '../../../shared/context.js';
import { notFound } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { ownerScope } from '../access/owner-scope.js';
import type { ProgressSource, ResourcesDatabase } from '../resources.deps.js';

export interface DeleteResourceOptions {
  readonly db: ResourcesDatabase;
  readonly progress: Pick<ProgressSource, 'clearProgress'>;
  readonly viewer: Viewer;
  readonly id: string;
  /** Called with the owner id after the rows are gone (search caches drop that owner). */
  readonly onDeleted?: (ownerId: string) => void;
  /** Warned when the progress record cannot be removed (it then expires by its TTL). */
  readonly logger?: Pick<Logger, 'warn'>;
}

/**
 * Deletes a resource the viewer may see with its chunks, its edges in both directions, its category
 * assignments, its full-text entry (trigger / generated column) and its progress record.
 * @throws AppError NOT_FOUND for a missing or foreign resource.
 */
export async function deleteResource(options: DeleteResourceOptions): Promise<true> {
  const { db, viewer, id } = options;
  const existing = await db.prisma.resource.findFirst({
    where: { id, ...ownerScope(viewer) },
    select: { id: true, ownerId: true },
  });
  if (!existing) throw notFound();
  const [, , , deleted] = await db.prisma.$transaction([
    db.prisma.resourceChunk.deleteMany({ where: { resourceId: id } }),
    db.prisma.resourceEdge.deleteMany({ where: { OR: [{ sourceId: id }, { targetId: id }] } }),
    db.prisma.resourceCategory.deleteMany({ where: { resourceId: id } }),
    db.prisma.resource.deleteMany({ where: { id } }),
  ]);
  if (deleted.count === 0) throw notFound();
  // The rows are gone, so the delete succeeded: a Redis outage here only leaves a record that expires by TTL.
  await options.progress.clearProgress(id).catch((err: unknown) => {
    options.logger?.warn({ err, resourceId: id }, 'could not clear the progress record of a deleted resource');
  });
  options.onDeleted?.(existing.ownerId);
  return true;
}
