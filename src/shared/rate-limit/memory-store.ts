import { evaluateWindow, releaseAt } from './sliding-window.js';
import type { SlidingWindowStore, StoreResult, WindowLimit } from './types.js';

export interface MemoryStoreOptions {
  /** Sweep keys with nothing counted after this many charges (default 10,000). */
  readonly sweepEvery?: number;
}

/**
 * In-process sliding-window store for embedded mode (one API process). Same algorithm and results as
 * the Redis store; memory per key is at most 61 slices per window. Idle keys are swept periodically.
 */
export function createMemorySlidingWindowStore(
  options: MemoryStoreOptions = {},
): SlidingWindowStore & { readonly size: number } {
  const sweepEvery = options.sweepEvery ?? 10_000;
  if (!Number.isInteger(sweepEvery) || sweepEvery < 1) throw new TypeError('sweepEvery must be a positive integer');
  const slicesByKey = new Map<string, Map<number, number>>();
  let charges = 0;

  const sweep = (nowMs: number): void => {
    for (const [k, slices] of slicesByKey) {
      let newest = -Infinity;
      for (const i of slices.keys()) if (i > newest) newest = i;
      const window = k.slice(k.lastIndexOf('|') + 1) as WindowLimit['window'];
      if (newest === -Infinity || releaseAt(newest, window) <= nowMs) slicesByKey.delete(k);
    }
  };

  return {
    get size() {
      return slicesByKey.size;
    },
    async consume(key, cost, limits, nowMs): Promise<StoreResult> {
      const states = limits.map(({ window, limit }) => {
        const k = `${key}|${window}`;
        const slices = slicesByKey.get(k) ?? new Map<number, number>();
        const evaluation = evaluateWindow(slices, window, limit, cost, nowMs);
        for (const i of slices.keys()) if (i < evaluation.oldest) slices.delete(i);
        return { k, window, slices, evaluation };
      });
      const allowed = states.every((st) => st.evaluation.retryAt === null);
      const charge = allowed && cost > 0;
      if (charge) {
        for (const st of states) {
          st.slices.set(st.evaluation.current, (st.slices.get(st.evaluation.current) ?? 0) + cost);
          slicesByKey.set(st.k, st.slices);
        }
        if (++charges % sweepEvery === 0) sweep(nowMs);
      }
      return {
        allowed,
        windows: states.map(({ window, evaluation }) => ({
          used: evaluation.used + (charge ? cost : 0),
          resetAt: charge ? releaseAt(evaluation.current, window) : evaluation.resetAt,
          retryAt: evaluation.retryAt,
        })),
      };
    },
  };
}
