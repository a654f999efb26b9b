export { PROCESSING_STAGES, STAGE_STATUSES } from './types.js';
export type {
  ProcessingStage,
  StageStatus,
  StageProgress,
  ResourceProgress,
  SetProgressOptions,
  MarkInterruptedOptions,
  StatusTracker,
  ProgressPersistence,
} from './types.js';
export { summarizeProgress } from './overall-status.js';
export type { ProgressSummary } from './overall-status.js';
export {
  encodeStageState,
  decodeStageState,
  pendingProgress,
  isProcessingStage,
  isStageStatus,
  MAX_ERROR_LENGTH,
} from './progress-record.js';
export { createStatusTracker } from './create-status-tracker.js';
export type { CreateStatusTrackerOptions, StatusTrackerHandle } from './create-status-tracker.js';
export { createRedisProgressStore } from './redis-progress-store.js';
export { createInProcessProgressStore } from './in-process-progress-store.js';
export type { ProgressStore } from './progress-store.js';
export {
  createRedisStatusTracking,
  createInProcessStatusTracking,
  openStatusTracking,
} from './open-status-tracking.js';
export type {
  StatusTracking,
  CreateRedisStatusTrackingOptions,
  CreateInProcessStatusTrackingOptions,
} from './open-status-tracking.js';
