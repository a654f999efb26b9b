import type { JobContext, ProcessResourceJob } from '../../shared/queue/types.js';
import { PROCESSING_STAGES, type ProcessingStage } from '../../shared/status-tracker/types.js';
import { runEmbedding } from './embedding/run-embedding.js';
import { isTransientError, ResourceGoneError, TransientStageError, userMessage } from './errors.js';
import { runGraph } from './graph/run-graph.js';
import { runIngestion } from './ingestion/run-ingestion.js';
import type { PipelineDeps, StageRun } from './pipeline-deps.js';
import { retryOutage } from './retry-outage.js';
import { runQuality } from './quality/run-quality.js';
import { runTaxonomy } from './taxonomy/run-taxonomy.js';

type StageFn = (deps: PipelineDeps, run: StageRun) => Promise<void>;

/** Each stage's work, in PROCESSING_STAGES order (each reads what the previous ones stored). */
export const STAGES: Readonly<Record<ProcessingStage, StageFn>> = {
  INGESTION: runIngestion,
  EMBEDDING: runEmbedding,
  QUALITY: runQuality,
  TAXONOMY: runTaxonomy,
  GRAPH: runGraph,
};

const LABEL: Readonly<Record<ProcessingStage, string>> = {
  INGESTION: 'ingestion',
  EMBEDDING: 'embedding',
  QUALITY: 'quality scoring',
  TAXONOMY: 'classification',
  GRAPH: 'graph building',
};

/** The error shown on a stage a previous run left PROCESSING, while this run has not reached it yet. */
export const INTERRUPTED_REASON = 'The previous run stopped here (its worker stopped); running again';

/** How a pipeline run ended. */
export type PipelineOutcome =
  | { readonly status: 'COMPLETED' }
  | { readonly status: 'FAILED'; readonly stage: ProcessingStage; readonly error: string }
  | { readonly status: 'GONE' };

/**
 * Runs the five stages for one resource. Each stage: setProgress(PROCESSING) → work → COMPLETED.
 * - A stage a crashed run left PROCESSING is shown PENDING (with a reason) until this run reaches it.
 * - While the database is unavailable (restart, outage), a stage is retried in place for
 *   `settings.transientRetryWindowMs` before the rules below apply.
 * - A permanent failure (or a transient one on the last attempt) marks the stage FAILED with a
 *   user-readable error (stack only in logs); later stages stay PENDING; the job completes.
 * - A transient failure before the last attempt puts the stage back to PENDING with a "retrying"
 *   note and rethrows, so the queue retries the job with backoff.
 * - A resource deleted meanwhile ends the run quietly.
 * Every stage replaces its outputs, so a retried or re-run job never duplicates data.
 * @throws the transient error when the queue should retry.
 */
export async function runPipeline(
  deps: PipelineDeps,
  job: ProcessResourceJob,
  context: JobContext,
): Promise<PipelineOutcome> {
  const { resourceId } = job;
  const log = deps.logger.child({ resourceId, attempt: context.attempt });
  const started = Date.now();
  // A stage another run left PROCESSING (its worker died) is not running any more: show it PENDING
  // until this run reaches it. A no-op (nothing written) in the usual case.
  await deps.tracker.markInterrupted(resourceId, { reason: INTERRUPTED_REASON }).catch(() => null);
  for (const stage of PROCESSING_STAGES) {
    if (context.signal.aborted) throw new Error('worker stopping: job handed back');
    const stageStarted = Date.now();
    await deps.tracker.setProgress(resourceId, stage, 'PROCESSING', { attempt: context.attempt, error: null });
    try {
      await retryOutage(() => STAGES[stage](deps, { resourceId, signal: context.signal }), {
        windowMs: deps.settings.transientRetryWindowMs,
        signal: context.signal,
        onRetry: ({ attempt, delayMs, err }) =>
          log.warn({ stage, attempt, delayMs, err }, 'database unavailable: retrying the stage in place'),
      });
    } catch (caught) {
      let err = caught;
      // A stage maps a foreign-key failure to "gone"; only stop quietly when this row really is gone
      // (a deleted neighbour must not leave this resource PROCESSING): otherwise retry the stage.
      if (err instanceof ResourceGoneError && (await stillExists(deps, resourceId))) {
        err = new TransientStageError(`A related record changed during ${LABEL[stage]}`, { cause: err });
      }
      if (err instanceof ResourceGoneError) {
        log.info({ stage }, 'resource deleted during processing: stopped');
        await deps.tracker.clearProgress(resourceId).catch(() => undefined);
        return { status: 'GONE' };
      }
      const message = userMessage(err, LABEL[stage]);
      if (isTransientError(err) && context.attempt < context.maxAttempts && !context.signal.aborted) {
        log.warn({ stage, err }, 'stage failed with a transient error; the job will be retried');
        await deps.tracker
          .setProgress(resourceId, stage, 'PENDING', {
            attempt: context.attempt,
            error: `Retrying after a temporary problem: ${message}`,
          })
          .catch(() => undefined);
        throw err;
      }
      if (context.signal.aborted) throw err;
      log.error({ stage, err }, 'stage failed');
      await deps.tracker.setProgress(resourceId, stage, 'FAILED', { attempt: context.attempt, error: message });
      return { status: 'FAILED', stage, error: message };
    }
    await deps.tracker.setProgress(resourceId, stage, 'COMPLETED', { attempt: context.attempt, error: null });
    log.debug({ stage, ms: Date.now() - stageStarted }, 'stage completed');
  }
  log.info({ ms: Date.now() - started }, 'resource processed');
  return { status: 'COMPLETED' };
}

async function stillExists(deps: PipelineDeps, resourceId: string): Promise<boolean> {
  const row = await deps.db.resource.findUnique({ where: { id: resourceId }, select: { id: true } }).catch(() => null);
  return row !== null;
}
