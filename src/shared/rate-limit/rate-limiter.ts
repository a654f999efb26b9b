import { createThrottledWarn, type Logger } from '../logger.js';
import type { RateLimitDecision, SlidingWindowStore, WindowLimit, WindowState } from './types.js';

export interface RateLimiterOptions {
  readonly store: SlidingWindowStore;
  readonly logger: Logger;
  /** Clock in unix ms (tests move it). Default Date.now. */
  readonly now?: () => number;
  /** At most one "store unavailable" warning per this many ms (default 10,000). */
  readonly warnIntervalMs?: number;
}

export interface RateLimiter {
  /**
   * Charges `cost` points to `key` when every window has room, else refuses without charging.
   * Never rejects: when the store is unreachable the operation is allowed (`degraded: true`) and a
   * throttled warning counts the skipped checks; the next check that reaches the store enforces again.
   */
  consume(key: string, cost: number, limits: readonly WindowLimit[]): Promise<RateLimitDecision>;
  /** The counters of `key` without charging (what `rateLimitStatus` shows). Fails open like consume. */
  peek(key: string, limits: readonly WindowLimit[]): Promise<RateLimitDecision>;
}

/** Wraps a store with the clock, fail-open behaviour and the per-window view clients see. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const warn = createThrottledWarn(options.logger, options.warnIntervalMs ?? 10_000, now);
  let skippedChecks = 0;

  const check = async (key: string, cost: number, limits: readonly WindowLimit[]): Promise<RateLimitDecision> => {
    if (!Number.isInteger(cost) || cost < 0) throw new TypeError(`cost must be a non-negative integer, got ${cost}`);
    const t = now();
    let result;
    try {
      result = await options.store.consume(key, cost, limits, t);
    } catch (err) {
      skippedChecks++;
      warn(
        { skippedChecks, cause: err instanceof Error ? err.message : String(err) },
        'rate-limit store unavailable: allowing requests (fail open)',
      );
      return { allowed: true, degraded: true, windows: [], blocking: null, retryAfterSeconds: 0 };
    }
    if (skippedChecks > 0) {
      options.logger.info({ skippedChecks }, 'rate-limit store reachable again: limits enforced');
      skippedChecks = 0;
    }
    const windows: WindowState[] = limits.map((l, i) => {
      const w = result.windows[i] ?? { used: 0, resetAt: t, retryAt: null };
      return {
        window: l.window,
        limit: l.limit,
        used: w.used,
        remaining: l.limit === null ? null : Math.max(0, l.limit - w.used),
        resetAt: w.resetAt,
      };
    });
    if (result.allowed) return { allowed: true, degraded: false, windows, blocking: null, retryAfterSeconds: 0 };
    let blockingIndex = -1;
    let retryAt = -Infinity;
    result.windows.forEach((w, i) => {
      if (w.retryAt !== null && w.retryAt > retryAt) {
        retryAt = w.retryAt;
        blockingIndex = i;
      }
    });
    const blocking = windows[blockingIndex] ?? null;
    const waitMs = Number.isFinite(retryAt) ? retryAt - t : (blocking?.resetAt ?? t) - t;
    return {
      allowed: false,
      degraded: false,
      windows,
      blocking,
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  };

  return {
    consume: (key, cost, limits) => check(key, cost, limits),
    peek: (key, limits) => check(key, 0, limits),
  };
}

/**
 * The window clients should watch: the refusing one, else the limited window with the fewest points
 * remaining (the shorter window on a tie). Null when every window is unlimited.
 */
export function tightestWindow(decision: RateLimitDecision): WindowState | null {
  if (decision.blocking) return decision.blocking;
  let best: WindowState | null = null;
  for (const w of decision.windows) {
    if (w.limit === null || w.remaining === null) continue;
    if (!best || w.remaining < (best.remaining ?? Infinity)) best = w;
  }
  return best;
}

/** `X-RateLimit-*` headers for the tightest window (Reset in unix seconds); empty when unlimited or degraded. */
export function rateLimitHeaders(decision: RateLimitDecision): Array<[string, string]> {
  const w = tightestWindow(decision);
  if (!w || w.limit === null) return [];
  return [
    ['X-RateLimit-Limit', String(w.limit)],
    ['X-RateLimit-Remaining', String(w.remaining ?? 0)],
    ['X-RateLimit-Used', String(w.used)],
    ['X-RateLimit-Reset', String(Math.ceil(w.resetAt / 1000))],
    ['X-RateLimit-Window', w.window],
  ];
}
