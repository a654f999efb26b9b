import { Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../shared/context.js';
import { requireViewer } from '../../shared/context.js';
import type { RateLimitStatusView } from '../../shared/rate-limit/index.js';
import { RateLimitStatus } from './rate-limit-status.types.js';

/** Reads the caller's counters (the kernel's `RateLimiting.status`). */
export type ReadRateLimitStatus = (
  ctx: RequestContext & { viewer: NonNullable<RequestContext['viewer']> },
) => Promise<RateLimitStatusView>;

/** `rateLimitStatus` query: the caller's tier, this operation's cost and each window's counters. */
@Resolver()
export class RateLimitStatusResolver {
  constructor(private readonly read: ReadRateLimitStatus) {}

  @Query(() => RateLimitStatus, {
    description: 'Your rate-limit budget per window, the tier it comes from and what this operation cost.',
  })
  async rateLimitStatus(@Ctx() ctx: RequestContext): Promise<RateLimitStatus> {
    const viewer = requireViewer(ctx);
    const view = await this.read({ ...ctx, viewer });
    return {
      tier: view.tier,
      cost: view.cost,
      windows: view.windows.map((w) => ({
        window: w.window,
        limit: w.limit,
        used: w.used,
        remaining: w.remaining,
        resetAt: new Date(w.resetAt),
      })),
    };
  }
}
