import type { Database } from '../../shared/database/index.js';
import type { StatusTracker } from '../../shared/status-tracker/types.js';

/** The database handle the resources slice needs: the Prisma client and which SQL dialect it speaks. */
export interface ResourcesDatabase {
  readonly prisma: Database;
  readonly provider: 'postgresql' | 'sqlite';
}

/** What the slice needs of the StatusTracker: batched reads (one round trip per page) and removal. */
export type ProgressSource = Pick<StatusTracker, 'getProgressMany' | 'clearProgress'>;
