import type { Database } from '../../shared/database/index.js';
import type { EmbeddingService } from '../../shared/embeddings/index.js';
import type { Logger } from '../../shared/logger.js';
import type { StatusTracker } from '../../shared/status-tracker/types.js';
import type { UrlFetcher } from './ingestion/fetch-url.js';
import type { QualityWeights } from './quality/score-quality.js';
import type { CategoryIndex } from './taxonomy/category-index.js';

/** Tunables of the stages (defaults in DEFAULT_PIPELINE_SETTINGS; see docs/processing.md). */
export interface PipelineSettings {
  readonly quality: QualityWeights;
  /** TAXONOMY: a resource whose best category scores below this is flagged `uncertain`. */
  readonly taxonomyUncertainBelow: number;
  /** GRAPH: least cosine similarity for a SIMILAR edge. */
  readonly similarThreshold: number;
  /** GRAPH: most SIMILAR neighbours per resource. */
  readonly maxSimilar: number;
  /**
   * How long a stage failing because the database is unavailable is retried in place, in ms
   * (WORKER_TRANSIENT_RETRY_WINDOW_MS): longer than a typical PostgreSQL restart. 0 = no in-place retry.
   */
  readonly transientRetryWindowMs: number;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = Object.freeze({
  quality: Object.freeze({ completeness: 0.2, readability: 0.2, depth: 0.3, credibility: 0.3 }),
  taxonomyUncertainBelow: 0.4,
  similarThreshold: 0.5,
  maxSimilar: 7,
  transientRetryWindowMs: 60_000,
});

/** Everything the stages use, created once by the worker composition root. */
export interface PipelineDeps {
  readonly db: Database;
  readonly tracker: StatusTracker;
  readonly embeddings: EmbeddingService;
  readonly fetcher: UrlFetcher;
  readonly categories: CategoryIndex;
  readonly logger: Logger;
  readonly settings: PipelineSettings;
}

/** One stage run: which resource, and a signal aborted when the worker must stop. */
export interface StageRun {
  readonly resourceId: string;
  readonly signal: AbortSignal;
}
