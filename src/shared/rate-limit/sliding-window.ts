import { SLICES_PER_WINDOW, WINDOW_MS, type WindowName } from './types.js';

/** Length of one slice of `window` in ms. */
export function sliceMs(window: WindowName): number {
  return WINDOW_MS[window] / SLICES_PER_WINDOW;
}

/** One window's view of its slices at a moment. */
export interface WindowEvaluation {
  /** Points in slices still counted (slice index ≥ `oldest`). */
  readonly used: number;
  /** Index of the current slice (where a charge goes). */
  readonly current: number;
  /** Slices older than this index no longer count and may be deleted. */
  readonly oldest: number;
  /** When every counted point has left the window (unix ms; `nowMs` when nothing is counted), before any charge. */
  readonly resetAt: number;
  /** When `cost` more points would fit (unix ms), null when they fit now; Infinity when `cost` exceeds `limit`. */
  readonly retryAt: number | null;
}

/**
 * The sliced sliding window, the one algorithm behind both stores (the Redis Lua script mirrors it line by line).
 *
 * Time is cut into slices of `W / 60`. Slice `i` covers `[i·s, (i+1)·s)` and is counted while its END is
 * inside the window, i.e. while `i ≥ floor(now / s) − 60`. The counted span therefore always contains
 * `(now − W, now]`: a charge is accepted only if the points of that span plus the cost fit, so no span of
 * length W ever holds more than the limit. The price is at most one slice of over-counting (refusing early).
 * Slice `i` stops counting at `(i + 61)·s`; that gives `resetAt` and `retryAt`.
 */
export function evaluateWindow(
  slices: ReadonlyMap<number, number>,
  window: WindowName,
  limit: number | null,
  cost: number,
  nowMs: number,
): WindowEvaluation {
  const s = sliceMs(window);
  const current = Math.floor(nowMs / s);
  const oldest = current - SLICES_PER_WINDOW;
  let used = 0;
  let newest = -Infinity;
  for (const [i, points] of slices) {
    if (i < oldest) continue;
    used += points;
    if (i > newest) newest = i;
  }
  const resetAt = newest === -Infinity ? nowMs : releaseAt(newest, window);
  let retryAt: number | null = null;
  if (limit !== null && used + cost > limit) {
    if (cost > limit) retryAt = Infinity;
    else {
      const counted = [...slices].filter(([i]) => i >= oldest).sort((a, b) => a[0] - b[0]);
      let left = used;
      for (const [i, points] of counted) {
        left -= points;
        if (left + cost <= limit) {
          retryAt = releaseAt(i, window);
          break;
        }
      }
    }
  }
  return { used, current, oldest, resetAt, retryAt };
}

/** Unix ms at which slice `index` of `window` stops counting. */
export function releaseAt(index: number, window: WindowName): number {
  return (index + SLICES_PER_WINDOW + 1) * sliceMs(window);
}
