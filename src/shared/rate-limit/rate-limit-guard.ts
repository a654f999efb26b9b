import type { RequestContext } from '../context.js';
import { AppError } from '../errors.js';
import { rateLimitHeaders, type RateLimiter } from './rate-limiter.js';
import { windowLimits, type RateLimitDecision, type Tier, type TierLimits, type WindowLimit } from './types.js';

export interface RateLimitGuardOptions {
  readonly limiter: RateLimiter;
  /** Budgets per tier (config.rateLimit.tiers). */
  readonly tiers: Readonly<Record<Tier, TierLimits>>;
  /** Budget of callers of public operations, keyed by client IP. */
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

/** One budget an operation is charged to. */
interface Budget {
  readonly key: string;
  readonly limits: WindowLimit[];
  /** Whose budget, for the abuse log. */
  readonly owner: { userId: string | null; ip?: string; tier: Tier | 'ANONYMOUS' };
}

/** What the charger needs to know about the operation besides its cost. */
export interface ChargeOptions {
  /** Whether every root field is public (register, login, refresh, …): then the client IP pays too. */
  readonly public?: boolean;
}

/**
 * Charges an operation's cost (priced before) to the caller's budgets; a cost of 0 (a single free root field:
 * health, introspection) is not charged. A public operation is charged to the client IP's budget always, and to
 * the user's as well when a token is present (a token must not buy a fresh budget for register/login/refresh);
 * any other operation to the user's. Budgets are charged in that order, each atomically: when the user's refuses,
 * the IP's points stay spent. Sets `ctx.cost`, `ctx.operation.decision` and the `X-RateLimit-*` headers (of the
 * user's budget when charged, else of the IP's); over a limit it logs the violation and throws RATE_LIMITED with
 * `extensions: { retryAfter, limit, window, cost }` (the HTTP layer turns it into 429 + Retry-After).
 * An operation costing more than a whole window's budget can never run: QUERY_TOO_COMPLEX.
 */
export function createOperationCharger(
  options: RateLimitGuardOptions,
): (ctx: RequestContext, cost: number, charge?: ChargeOptions) => Promise<void> {
  const budgetsOf = (ctx: RequestContext, isPublic: boolean): Budget[] => {
    const ipBudget: Budget = {
      key: `ip:${ctx.ip}`,
      limits: windowLimits(options.anonymous),
      owner: { userId: null, ip: ctx.ip, tier: 'ANONYMOUS' },
    };
    if (!ctx.viewer) return [ipBudget];
    const userBudget: Budget = {
      key: `user:${ctx.viewer.userId}`,
      limits: windowLimits(options.tiers[ctx.viewer.tier]),
      owner: { userId: ctx.viewer.userId, tier: ctx.viewer.tier },
    };
    return isPublic ? [ipBudget, userBudget] : [userBudget];
  };

  const refuseTooBig = (budgets: readonly Budget[], cost: number): void => {
    for (const { limits } of budgets) {
      const smallest = limits.reduce<WindowLimit | null>(
        (min, l) => (l.limit !== null && (min === null || l.limit < (min.limit ?? Infinity)) ? l : min),
        null,
      );
      if (smallest?.limit != null && cost > smallest.limit) {
        throw new AppError(
          'QUERY_TOO_COMPLEX',
          `Query costs ${cost} points, more than the whole ${smallest.window.toLowerCase()} budget of ${smallest.limit}`,
          { extensions: { cost, limit: smallest.limit, window: smallest.window } },
        );
      }
    }
  };

  const refused = (ctx: RequestContext, budget: Budget, decision: RateLimitDecision, cost: number): AppError => {
    const blocking = decision.blocking;
    ctx.logger.warn(
      {
        ...budget.owner,
        window: blocking?.window,
        limit: blocking?.limit,
        used: blocking?.used,
        cost,
      },
      'rate limit exceeded',
    );
    return new AppError(
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

  return async (ctx, cost, charge = {}) => {
    if (cost === 0) return;
    const budgets = budgetsOf(ctx, charge.public ?? false);
    refuseTooBig(budgets, cost);
    let degraded = false;
    for (const budget of budgets) {
      const decision = await options.limiter.consume(budget.key, cost, budget.limits);
      ctx.operation.decision = decision;
      for (const name of [...ctx.responseHeaders.keys()])
        if (name.startsWith('X-RateLimit-')) ctx.responseHeaders.delete(name);
      for (const [name, value] of rateLimitHeaders(decision)) ctx.responseHeaders.set(name, value);
      if (!decision.allowed) throw refused(ctx, budget, decision, cost);
      degraded ||= decision.degraded;
    }
    ctx.cost = degraded ? 0 : cost;
    if (!degraded) ctx.responseHeaders.set('X-RateLimit-Cost', String(cost));
  };
}
