import type { RequestContext } from '../context.js';
import { AppError } from '../errors.js';
import { rateLimitHeaders, type RateLimiter } from './rate-limiter.js';
import { windowLimits, type Tier, type TierLimits, type WindowLimit } from './types.js';

export interface RateLimitGuardOptions {
  readonly limiter: RateLimiter;
  /** Budgets per tier (config.rateLimit.tiers). */
  readonly tiers: Readonly<Record<Tier, TierLimits>>;
  /** Budget of anonymous callers of public operations, keyed by client IP. */
  readonly anonymous: TierLimits;
}

/** Whose budget an operation spends: the token's subject, else the client IP. */
export function rateLimitKey(ctx: RequestContext): string {
  return ctx.viewer ? `user:${ctx.viewer.userId}` : `ip:${ctx.ip}`;
}

/** The windows that apply to the caller of `ctx`. */
export function limitsFor(
  ctx: RequestContext,
  options: Pick<RateLimitGuardOptions, 'tiers' | 'anonymous'>,
): WindowLimit[] {
  return windowLimits(ctx.viewer ? options.tiers[ctx.viewer.tier] : options.anonymous);
}

/**
 * Charges an operation's cost (priced before) to the caller's budget; a cost of 0 (free operations:
 * health, introspection) is not charged. Sets `ctx.cost`, `ctx.operation.decision` and the
 * `X-RateLimit-*` headers; over a limit it logs the violation and throws RATE_LIMITED with
 * `extensions: { retryAfter, limit, window }` (the HTTP layer turns it into 429 + Retry-After).
 * An operation costing more than a whole window's budget can never run: QUERY_TOO_COMPLEX.
 */
export function createOperationCharger(
  options: RateLimitGuardOptions,
): (ctx: RequestContext, cost: number) => Promise<void> {
  return async (ctx, cost) => {
    if (cost === 0) return;
    const limits = limitsFor(ctx, options);
    const smallest = limits.reduce<WindowLimit | null>(
      (min, l) => (l.limit !== null && (min === null || l.limit < (min.limit ?? Infinity)) ? l : min),
      null,
    );
    if (smallest?.limit != null && cost > smallest.limit) {
      throw new AppError(
        'QUERY_TOO_COMPLEX',
        `Query costs ${cost} points, more than the whole ${smallest.window.toLowerCase()} budget of ${smallest.limit}`,
        {
          extensions: { cost, limit: smallest.limit, window: smallest.window },
        },
      );
    }
    const decision = await options.limiter.consume(rateLimitKey(ctx), cost, limits);
    ctx.operation.decision = decision;
    for (const [name, value] of rateLimitHeaders(decision)) ctx.responseHeaders.set(name, value);
    if (decision.allowed) {
      ctx.cost = decision.degraded ? 0 : cost;
      if (!decision.degraded) ctx.responseHeaders.set('X-RateLimit-Cost', String(cost));
      return;
    }
    const blocking = decision.blocking;
    ctx.logger.warn(
      {
        userId: ctx.viewer?.userId ?? null,
        ip: ctx.viewer ? undefined : ctx.ip,
        tier: ctx.viewer?.tier ?? 'ANONYMOUS',
        window: blocking?.window,
        limit: blocking?.limit,
        used: blocking?.used,
        cost,
      },
      'rate limit exceeded',
    );
    throw new AppError(
      'RATE_LIMITED',
      `Rate limit exceeded for the ${blocking?.window.toLowerCase() ?? ''} window; retry in ${decision.retryAfterSeconds} s`,
      {
        extensions: {
          retryAfter: decision.retryAfterSeconds,
          limit: blocking?.limit ?? null,
          window: blocking?.window ?? null,
          cost,
        },
      },
    );
  };
}
