import type { Database } from '../../../shared/database/index.js';
import { decodeStageState, encodeStageState, type ProgressPersistence } from '../../../shared/status-tracker/index.js';

/**
 * The durable copy of progress on the resource row (`stageState` JSON + `overallStatus`), given to the
 * status tracker by the composition roots (API and worker). A deleted resource is skipped silently.
 * Writes from one process are ordered by the tracker; across processes the last write wins.
 */
export function createProgressPersistence(prisma: Database): ProgressPersistence {
  return {
    async persist(resourceId, snapshot) {
      await prisma.resource.updateMany({
        where: { id: resourceId },
        data: { stageState: encodeStageState(snapshot), overallStatus: snapshot.overallStatus },
      });
    },
    async load(resourceId) {
      const row = await prisma.resource.findUnique({ where: { id: resourceId }, select: { stageState: true } });
      return decodeStageState(resourceId, row?.stageState);
    },
    async loadMany(resourceIds) {
      const rows = await prisma.resource.findMany({
        where: { id: { in: [...resourceIds] } },
        select: { id: true, stageState: true },
      });
      const map = new Map<string, NonNullable<ReturnType<typeof decodeStageState>>>();
      for (const row of rows) {
        const snapshot = decodeStageState(row.id, row.stageState);
        if (snapshot) map.set(row.id, snapshot);
      }
      return map;
    },
  };
}
