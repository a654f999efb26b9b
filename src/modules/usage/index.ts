export { createUsageModule, USAGE_RESOLVERS } from './create-usage-module.js';
export { RateLimitStatusResolver } from './rate-limit-status.resolver.js';
export type { ReadRateLimitStatus } from './rate-limit-status.resolver.js';
export { RateLimitStatus, RateLimitWindow, RateLimitWindowName } from './rate-limit-status.types.js';
