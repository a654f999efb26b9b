import { setTimeout as sleep } from 'node:timers/promises';
import { isOutageError } from './errors.js';

export interface RetryOutageOptions {
  /** How long after the first outage error to keep retrying (ms); 0 disables retrying in place. */
  readonly windowMs: number;
  /** Aborted when the worker stops: the wait ends and the last error is thrown. */
  readonly signal: AbortSignal;
  /** Called before each wait (for a log line). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; err: unknown }) => void;
  /** First wait (ms, default 250); doubles up to `maxDelayMs` (default 5 000). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly now?: () => number;
}

/**
 * Runs `fn`, and runs it again while it fails with an outage error (isOutageError: the database is
 * unreachable or restarting) and less than `windowMs` has passed since the first such failure, waiting
 * 250 ms, 500 ms, … up to 5 s in between. A PostgreSQL restart takes seconds to tens of seconds: the
 * queue's own retries (1, 2, 4 s) would spend every attempt inside it and fail the stage.
 * @throws the last error: any other error at once, an outage error once the window has passed.
 */
export async function retryOutage<T>(fn: () => Promise<T>, options: RetryOutageOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let delayMs = options.initialDelayMs ?? 250;
  let firstFailure: number | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isOutageError(err) || options.signal.aborted) throw err;
      firstFailure ??= now();
      const left = firstFailure + options.windowMs - now();
      if (left <= 0) throw err;
      const wait = Math.min(delayMs, left);
      options.onRetry?.({ attempt, delayMs: wait, err });
      try {
        await sleep(wait, undefined, { signal: options.signal });
      } catch {
        throw err;
      }
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
