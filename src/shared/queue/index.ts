export { PROCESS_RESOURCE_JOB, DEFAULT_RETRY_POLICY } from './types.js';
export type {
  JobQueue,
  ProcessingQueue,
  ProcessResourceJob,
  ProcessResourceHandler,
  JobContext,
  JobConsumer,
  ProcessJobsOptions,
  RetryPolicy,
  QueueJobState,
} from './types.js';
export { createBeeJobQueue } from './bee-job-queue.js';
export type { BeeJobQueueOptions } from './bee-job-queue.js';
export { createInProcessJobQueue } from './in-process-job-queue.js';
export type { InProcessJobQueueOptions } from './in-process-job-queue.js';
export { createRedisClusterLock, createInProcessClusterLock } from './cluster-lock.js';
export type { ClusterLock, RedisClusterLockOptions } from './cluster-lock.js';
