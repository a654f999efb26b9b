import type { Viewer } from '../../../shared/context.js';
import type { Database } from '../../../shared/database/index.js';
import { AppError, notFound } from '../../../shared/errors.js';
import type { ResourceProgress, StatusTracker } from '../../../shared/status-tracker/index.js';
import { ownerScope } from '../access/owner-scope.js';

export interface ProgressAccess {
  readonly prisma: Database;
  readonly tracker: StatusTracker;
}

/** NOT_FOUND unless the viewer owns the resource (ADMIN sees all): another user's id looks like no id at all. */
async function assertVisible(prisma: Database, viewer: Viewer, resourceId: string): Promise<void> {
  const row = await prisma.resource.findFirst({
    where: { id: resourceId, ...ownerScope(viewer) },
    select: { id: true },
  });
  if (!row) throw notFound('Resource');
}

/** The current progress of a resource the viewer may see. */
export async function getResourceProgress(
  options: ProgressAccess & { viewer: Viewer; resourceId: string },
): Promise<ResourceProgress> {
  await assertVisible(options.prisma, options.viewer, options.resourceId);
  return options.tracker.getProgress(options.resourceId);
}

/**
 * The live progress stream for the `resourceProgress` subscription: checks access, subscribes, and waits for
 * the first snapshot, so a refusal (NOT_FOUND) or an unreachable pub/sub (SERVICE_UNAVAILABLE) fails the
 * subscription with a GraphQL error instead of ending a started stream.
 */
export async function watchResourceProgress(
  options: ProgressAccess & { viewer: Viewer; resourceId: string },
): Promise<AsyncIterableIterator<ResourceProgress>> {
  await assertVisible(options.prisma, options.viewer, options.resourceId);
  const stream = options.tracker.watchProgress(options.resourceId);
  let first: IteratorResult<ResourceProgress>;
  try {
    first = await stream.next();
  } catch (err) {
    await stream.return?.();
    throw new AppError('SERVICE_UNAVAILABLE', 'Live progress is unavailable right now; retry shortly', {
      internal: err,
    });
  }
  let pending: IteratorResult<ResourceProgress> | null = first;
  const iterator: AsyncIterableIterator<ResourceProgress> = {
    next() {
      if (pending) {
        const result = pending;
        pending = null;
        return Promise.resolve(result);
      }
      return stream.next();
    },
    return() {
      pending = null;
      return stream.return ? stream.return() : Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
