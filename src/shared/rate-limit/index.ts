export { createRateLimiting } from './create-rate-limiting.js';
export type { CreateRateLimitingOptions, RateLimiting, RateLimitStatusView } from './create-rate-limiting.js';
export { createRateLimiter, rateLimitHeaders, tightestWindow } from './rate-limiter.js';
export type { RateLimiter, RateLimiterOptions } from './rate-limiter.js';
export { createMemorySlidingWindowStore } from './memory-store.js';
export { createRedisSlidingWindowStore } from './redis-store.js';
export { evaluateWindow, releaseAt, sliceMs } from './sliding-window.js';
export {
  analyzeQuery,
  BASE_COST,
  declaredWeight,
  FIELD_WEIGHT,
  FREE_ROOT_FIELDS,
  INTROSPECTION_WEIGHTS,
  MAX_EXPANDED_SELECTIONS,
  NODES_PER_POINT,
} from './query-cost.js';
export type { QueryAnalysis, AnalyzeQueryOptions } from './query-cost.js';
export { createOperationPricer } from './complexity-guard.js';
export { createOperationCharger, limitsFor, rateLimitKey } from './rate-limit-guard.js';
export type { ChargeOptions } from './rate-limit-guard.js';
export { createSubscriptionCaps } from './subscription-caps.js';
export type { SubscriptionCaps, SubscriptionCapsOptions } from './subscription-caps.js';
export { SLICES_PER_WINDOW, WINDOW_MS, WINDOW_NAMES, windowLimits } from './types.js';
export type {
  RateLimitDecision,
  SlidingWindowStore,
  StoreResult,
  WindowLimit,
  WindowName,
  WindowState,
} from './types.js';
