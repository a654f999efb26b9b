/** The five processing stages, in execution order (the order their data needs; see docs/processing.md). */
export const PROCESSING_STAGES = ['INGESTION', 'EMBEDDING', 'QUALITY', 'TAXONOMY', 'GRAPH'] as const;
export type ProcessingStage = (typeof PROCESSING_STAGES)[number];

export const STAGE_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export interface StageProgress {
  readonly stage: ProcessingStage;
  readonly status: StageStatus;
  readonly error: string | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly attempt: number;
}

export interface ResourceProgress {
  readonly resourceId: string;
  readonly overallStatus: StageStatus;
  /** Completed stages ÷ 5 × 100. */
  readonly percent: number;
  /** All five stages, in execution order. */
  readonly stages: readonly StageProgress[];
  /** The first failed stage's error, if any. */
  readonly error: string | null;
  readonly updatedAt: Date;
}

export interface SetProgressOptions {
  readonly error?: string | null;
  readonly attempt?: number;
}

/**
 * Records and publishes processing progress. Implementations: Redis (distributed) and in-process (embedded).
 * Implemented by src/shared/status-tracker (issue 5); the processing worker and the resources slice use it.
 */
export interface StatusTracker {
  /** Atomically records one stage's status, stamps times, refreshes the TTL and publishes the new snapshot. */
  setProgress(resourceId: string, stage: ProcessingStage, status: StageStatus, options?: SetProgressOptions): Promise<ResourceProgress>;
  /** Resets every stage to PENDING (new or reprocessed resource) and publishes. */
  initProgress(resourceId: string): Promise<ResourceProgress>;
  /** Current snapshot; falls back to the state stored on the resource row, then all-PENDING. */
  getProgress(resourceId: string): Promise<ResourceProgress>;
  /** Removes the record (resource deleted). */
  clearProgress(resourceId: string): Promise<void>;
  /** Updates in order, for one resource, starting after subscription; the caller closes it with `return()`. */
  subscribe(resourceId: string): AsyncIterableIterator<ResourceProgress>;
}
