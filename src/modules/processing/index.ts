export { runPipeline, STAGES } from './run-pipeline.js';
export type { PipelineOutcome } from './run-pipeline.js';
export { DEFAULT_PIPELINE_SETTINGS } from './pipeline-deps.js';
export type { PipelineDeps, PipelineSettings, StageRun } from './pipeline-deps.js';
export { createUrlFetcher } from './ingestion/fetch-url.js';
export type { UrlFetcher, UrlFetcherOptions, FetchedDocument } from './ingestion/fetch-url.js';
export { createCategoryIndex } from './taxonomy/category-index.js';
export type { CategoryIndex } from './taxonomy/category-index.js';
export { isTransientError, PermanentStageError, TransientStageError } from './errors.js';
