import type { AppModule, ResolverClass } from '../../shared/app-module.js';
import { RateLimitStatusResolver, type ReadRateLimitStatus } from './rate-limit-status.resolver.js';

/** The resolver classes of this slice (schema.graphql is printed from them without instances). */
export const USAGE_RESOLVERS: readonly ResolverClass[] = [RateLimitStatusResolver];

/** The usage slice: `rateLimitStatus`, the caller's budget read through the kernel's rate limiting. */
export function createUsageModule(options: { readonly status: ReadRateLimitStatus }): AppModule {
  return {
    resolvers: new Map([[RateLimitStatusResolver, new RateLimitStatusResolver(options.status)]]),
    publicOperations: [],
    freeOperations: [],
  };
}
