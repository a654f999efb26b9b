import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { RequestContext } from '../context.js';
import type { Logger } from '../logger.js';
import { rootFieldNames, type OperationGuard, type OperationInfo } from '../operation-guard.js';
import { createOperationPricer } from './complexity-guard.js';
import { createMemorySlidingWindowStore } from './memory-store.js';
import { createOperationCharger, limitsFor, rateLimitKey } from './rate-limit-guard.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createRedisSlidingWindowStore } from './redis-store.js';
import { createSubscriptionCaps, type SubscriptionCaps } from './subscription-caps.js';
import type { RateLimitDecision, Tier, WindowState } from './types.js';

export interface CreateRateLimitingOptions {
  readonly config: Config['rateLimit'];
  readonly logger: Logger;
  /** The API's Redis connection (distributed mode) or null (embedded: in-process counters). Not closed here. */
  readonly redis: Redis | null;
  /** Prefix of every Redis key (REDIS_KEY_PREFIX); rate-limit keys live under `<prefix>rl:`. */
  readonly keyPrefix: string;
  /** Root fields free on their own (the modules' `freeOperations`, e.g. `health`); aliases and repeats are charged. */
  readonly freeOperations?: readonly string[];
  /**
   * Root fields callable without a token (the modules' `publicOperations`): an operation selecting only these
   * is charged to the client IP's budget always, and to the user's too when a token is present.
   */
  readonly publicOperations?: readonly string[];
  /** Clock in unix ms (tests). */
  readonly now?: () => number;
}

/** What `rateLimitStatus` reports for the caller. */
export interface RateLimitStatusView {
  readonly tier: Tier;
  /** Points charged for the current operation. */
  readonly cost: number;
  readonly windows: readonly WindowState[];
}

export interface RateLimiting {
  readonly limiter: RateLimiter;
  /**
   * Prices the operation (MAX_QUERY_ALIASES/DEPTH/NODES/COST) and, when RATE_LIMIT_ENABLED, charges it:
   * after authentication.
   */
  readonly guards: readonly OperationGuard[];
  readonly subscriptionCaps: SubscriptionCaps;
  /** The caller's counters as enforced (reuses this operation's decision when it was charged). */
  status(ctx: RequestContext & { viewer: NonNullable<RequestContext['viewer']> }): Promise<RateLimitStatusView>;
  close(): Promise<void>;
}

/**
 * Wires the rate-limit kernel from configuration: Redis-backed when a connection is given, in-process
 * otherwise. The complexity limits (MAX_QUERY_ALIASES, MAX_QUERY_DEPTH, MAX_QUERY_NODES, MAX_QUERY_COST) apply
 * even when limiting is off.
 */
export function createRateLimiting(options: CreateRateLimitingOptions): RateLimiting {
  const { config, logger } = options;
  const prefix = `${options.keyPrefix}rl:`;
  const store = options.redis
    ? createRedisSlidingWindowStore({ client: options.redis, prefix })
    : createMemorySlidingWindowStore();
  const limiter = createRateLimiter({ store, logger, ...(options.now ? { now: options.now } : {}) });
  const budgets = { tiers: config.tiers, anonymous: config.anonymous };
  const price = createOperationPricer({
    maxCost: config.maxQueryCost,
    maxDepth: config.maxQueryDepth,
    maxNodes: config.maxQueryNodes,
    maxAliases: config.maxQueryAliases,
    freeRootFields: new Set(options.freeOperations ?? []),
  });
  const publicFields = new Set(options.publicOperations ?? []);
  const isPublic = (operation: Pick<OperationInfo, 'document' | 'operation'>): boolean => {
    const names = rootFieldNames(operation.document, operation.operation).filter((n) => n !== '__typename');
    return names.length > 0 && names.every((n) => publicFields.has(n));
  };
  const charge = config.enabled ? createOperationCharger({ limiter, ...budgets }) : null;
  // One guard prices and charges, so the price cannot be missing when it is charged; the maxima apply
  // even when RATE_LIMIT_ENABLED is off.
  const guards: OperationGuard[] = [
    async ({ ctx, ...operation }) => {
      const analysis = price(operation);
      ctx.operation.analysis = analysis;
      await charge?.(ctx, analysis.cost, { public: isPublic(operation) });
    },
  ];
  const subscriptionCaps = createSubscriptionCaps({
    caps: config.enabled ? config.maxSubscriptions : { FREE: null, PREMIUM: null, ADMIN: null },
    logger,
    redis: options.redis ? { client: options.redis, prefix } : null,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    limiter,
    guards,
    subscriptionCaps,
    async status(ctx) {
      const decision: RateLimitDecision =
        ctx.operation.decision ?? (await limiter.peek(rateLimitKey(ctx), limitsFor(ctx, budgets)));
      return {
        tier: ctx.viewer.tier,
        cost: ctx.cost || (ctx.operation.analysis?.cost ?? 0),
        windows: decision.windows,
      };
    },
    close: () => subscriptionCaps.close(),
  };
}
