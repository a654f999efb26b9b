import { PROCESSING_STAGES, type StageProgress, type StageStatus } from './types.js';

export interface ProgressSummary {
  readonly overallStatus: StageStatus;
  /** Completed stages ÷ 5 × 100, rounded to two decimals. */
  readonly percent: number;
  /** The error of the first failed stage in execution order, or null. */
  readonly error: string | null;
}

/**
 * The overall status rule (DESIGN.md §3): any FAILED → FAILED; all COMPLETED → COMPLETED;
 * all PENDING → PENDING; otherwise PROCESSING. Stages missing from `stages` count as PENDING,
 * so completing INGESTION alone is PROCESSING, and a queued resource whose job has not started is PENDING.
 */
export function summarizeProgress(
  stages: readonly Pick<StageProgress, 'stage' | 'status' | 'error'>[],
): ProgressSummary {
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  let completed = 0;
  let pending = 0;
  let error: string | null = null;
  let failed = false;
  for (const stage of PROCESSING_STAGES) {
    const s = byStage.get(stage);
    const status = s?.status ?? 'PENDING';
    if (status === 'COMPLETED') completed++;
    else if (status === 'PENDING') pending++;
    else if (status === 'FAILED' && !failed) {
      failed = true;
      error = s?.error ?? null;
    }
  }
  const total = PROCESSING_STAGES.length;
  const overallStatus: StageStatus = failed
    ? 'FAILED'
    : completed === total
      ? 'COMPLETED'
      : pending === total
        ? 'PENDING'
        : 'PROCESSING';
  return { overallStatus, percent: Math.round((completed / total) * 10_000) / 100, error };
}
