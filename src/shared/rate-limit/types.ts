import type { Tier, TierLimits } from '../../config/index.js';

/** The three budgets every key has. */
export type WindowName = 'MINUTE' | 'HOUR' | 'DAY';

export const WINDOW_NAMES: readonly WindowName[] = ['MINUTE', 'HOUR', 'DAY'];

/** Length of each window in milliseconds. */
export const WINDOW_MS: Readonly<Record<WindowName, number>> = Object.freeze({
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
});

/**
 * Each window is cut into this many slices. A slice is counted until its END leaves the window,
 * so the limiter may refuse up to one slice (1/60 of the window: 1 s, 1 min, 24 min) early, never late.
 */
export const SLICES_PER_WINDOW = 60;

/** One window's budget in points; `null` = unlimited (still counted, never refused). */
export interface WindowLimit {
  readonly window: WindowName;
  readonly limit: number | null;
}

/** One window's counters after a check. */
export interface WindowState {
  readonly window: WindowName;
  readonly limit: number | null;
  /** Points counted in the window (including this operation's when it was charged). */
  readonly used: number;
  /** `limit - used` (never below 0); null when unlimited. */
  readonly remaining: number | null;
  /** Unix ms at which every point counted now has left the window (now when nothing is counted). */
  readonly resetAt: number;
}

/** Outcome of a charge (or a read-only status check). */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** True when the store could not be reached and the check was skipped (fail open). */
  readonly degraded: boolean;
  readonly windows: readonly WindowState[];
  /** The window that refused the operation (the one needing the longest wait), or null. */
  readonly blocking: WindowState | null;
  /** Whole seconds (≥ 1) until the refused operation would fit; 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/** Raw result of a store: per window `used`, `resetAt` and, for refusing windows, when the cost would fit. */
export interface StoreResult {
  readonly allowed: boolean;
  readonly windows: readonly { readonly used: number; readonly resetAt: number; readonly retryAt: number | null }[];
}

/**
 * Where counters live: Redis (shared by every API instance) or process memory (embedded mode).
 * Both implement the same sliced sliding window (docs/rate-limiting.md, "How the window slides").
 */
export interface SlidingWindowStore {
  /**
   * Charges `cost` points to every window of `key` if (and only if) every window has room; `cost` 0 reads only.
   * `nowMs` is the caller's clock (unix ms), so tests can move time. Rejects when the store is unreachable.
   */
  consume(key: string, cost: number, limits: readonly WindowLimit[], nowMs: number): Promise<StoreResult>;
}

/** Converts a tier's configured limits into the three windows. */
export function windowLimits(limits: TierLimits): WindowLimit[] {
  return [
    { window: 'MINUTE', limit: limits.perMinute },
    { window: 'HOUR', limit: limits.perHour },
    { window: 'DAY', limit: limits.perDay },
  ];
}

export type { Tier, TierLimits };
