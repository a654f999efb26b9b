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
  /**
   * Per-resource sequence number, strictly increasing with every change (0 when nothing was ever recorded).
   * It is floored to the Redis clock in microseconds, so it keeps increasing after a record expired or Redis
   * lost its data. Subscribers use it to drop duplicates and stale updates.
   */
  readonly version: number;
}

export interface SetProgressOptions {
  readonly error?: string | null;
  readonly attempt?: number;
}

export interface MarkInterruptedOptions {
  /** Shown as the stage error, e.g. "worker stopped; waiting for another worker". */
  readonly reason: string;
  /** Change only if the record still has this version (from a snapshot read just before). */
  readonly ifVersion?: number | null;
}

/**
 * Records and publishes processing progress. Implementations: Redis (distributed) and in-process (embedded).
 * Implemented by src/shared/status-tracker; the processing worker and the resources slice use it.
 */
export interface StatusTracker {
  /** Atomically records one stage's status, stamps times, refreshes the TTL and publishes the new snapshot. */
  setProgress(
    resourceId: string,
    stage: ProcessingStage,
    status: StageStatus,
    options?: SetProgressOptions,
  ): Promise<ResourceProgress>;
  /**
   * The run that was working on this resource is gone (its worker crashed and the job waits for another
   * one): every stage still PROCESSING goes back to PENDING with `reason` as its error, atomically, and the
   * new snapshot is published. Not copied to the row (it is not a final state).
   * Resolves to null, changing nothing, when there is no live record, no stage is PROCESSING, or
   * `ifVersion` is given and the record's version is no longer that one (someone changed it meanwhile).
   */
  markInterrupted(resourceId: string, options: MarkInterruptedOptions): Promise<ResourceProgress | null>;
  /** Resets every stage to PENDING (new or reprocessed resource) and publishes. */
  initProgress(resourceId: string): Promise<ResourceProgress>;
  /** Current snapshot; falls back to the state stored on the resource row, then all-PENDING. */
  getProgress(resourceId: string): Promise<ResourceProgress>;
  /** Removes the record (resource deleted). */
  clearProgress(resourceId: string): Promise<void>;
  /** Current snapshots of many resources in one round trip, in the order of `resourceIds` (same fallbacks as getProgress). */
  getProgressMany(resourceIds: readonly string[]): Promise<ResourceProgress[]>;
  /**
   * The live view of one resource: the current snapshot first, then every later change in order, never a gap
   * between the two and never a duplicate (the channel is subscribed before the snapshot is read).
   * Rejects on the first `next()` when the pub/sub backend cannot subscribe. The caller closes it with `return()`.
   */
  watchProgress(resourceId: string): AsyncIterableIterator<ResourceProgress>;
}

/**
 * Where the durable copy of progress lives (the resource row: `stageState` + `overallStatus`).
 * Given by the composition root so the kernel knows nothing of the Resource model.
 * Use `encodeStageState`/`decodeStageState` for the `stageState` text.
 */
export interface ProgressPersistence {
  /** Stores the snapshot on the resource row. A missing row (deleted resource) is not an error. */
  persist(resourceId: string, snapshot: ResourceProgress): Promise<void>;
  /** The snapshot last stored on the row, or null (no row, or never stored). */
  load(resourceId: string): Promise<ResourceProgress | null>;
  /** `load` for many ids in one query; ids without a stored snapshot are absent from the map. */
  loadMany(resourceIds: readonly string[]): Promise<ReadonlyMap<string, ResourceProgress>>;
}
