export { ResourceProgressResolver, RESOURCE_PROGRESS_TOPIC } from './resource-progress.resolver.js';
export { ResourceProgressType, StageProgressType, ProcessingStageEnum, StageStatusEnum } from './progress.types.js';
export { createProgressPersistence } from './progress-persistence.js';
export { getResourceProgress, watchResourceProgress } from './resource-progress.service.js';
export type { ProgressAccess } from './resource-progress.service.js';
