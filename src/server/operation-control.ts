import { setMaxListeners } from 'node:events';
import { AppError } from '../shared/errors.js';
import type { OperationControl } from '../shared/context.js';

export interface OperationControlOptions {
  /** MAX_RESPONSE_BYTES: the answer may hold this many bytes of values and keys. */
  readonly maxResponseBytes: number;
  /** QUERY_TIMEOUT_MS; null for no deadline (a subscription lives as long as its client wants). */
  readonly timeoutMs: number | null;
}

/** What a transport holds for one operation: the context's part plus the controls only the transport uses. */
export interface OperationHandle extends OperationControl {
  /** Aborts with `reason` (first reason wins). */
  abort(reason: AppError): void;
  /** The client is gone (HTTP connection closed early, WebSocket `complete` or close): stop working. */
  cancel(): void;
  /** Starts counting the next subscription event from zero. */
  resetMeter(): void;
  /** Clears the deadline timer. Safe to call twice; never aborts. */
  dispose(): void;
}

/**
 * One operation's cancellation signal and response meter. The deadline timer is unref'd and cleared by
 * dispose(); the meter aborts the signal with QUERY_TOO_COMPLEX (`limit: 'MAX_RESPONSE_BYTES'`) as soon as
 * the count passes the cap, so the rest of the operation stops before the oversized answer is built.
 * @throws TypeError for a cap or deadline that is not a positive number.
 */
export function createOperationControl(options: OperationControlOptions): OperationHandle {
  const { maxResponseBytes, timeoutMs } = options;
  if (!(maxResponseBytes > 0)) throw new TypeError('maxResponseBytes must be > 0');
  if (timeoutMs !== null && !(timeoutMs > 0)) throw new TypeError('timeoutMs must be > 0 or null');
  const controller = new AbortController();
  // Every pending resolver listens (metered-resolvers.ts): hundreds at once are expected, not a leak.
  setMaxListeners(0, controller.signal);
  const abort = (reason: AppError): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== null) {
    timer = setTimeout(() => abort(deadlineExceeded(timeoutMs)), timeoutMs);
    timer.unref();
  }
  return {
    signal: controller.signal,
    meter: {
      add(n) {
        bytes += n;
        if (bytes > maxResponseBytes) {
          abort(responseTooLarge(maxResponseBytes));
          throw controller.signal.reason as Error;
        }
      },
    },
    abort,
    cancel: () =>
      abort(
        new AppError('BAD_USER_INPUT', 'The client cancelled the operation', { extensions: { limit: 'CANCELLED' } }),
      ),
    resetMeter() {
      bytes = 0;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** QUERY_TOO_COMPLEX for an answer past MAX_RESPONSE_BYTES. */
export function responseTooLarge(maxBytes: number): AppError {
  return new AppError(
    'QUERY_TOO_COMPLEX',
    `The answer would be larger than ${maxBytes} bytes; select fewer fields or smaller pages`,
    { extensions: { limit: 'MAX_RESPONSE_BYTES', maxBytes } },
  );
}

/** QUERY_TOO_COMPLEX for an operation that ran past QUERY_TIMEOUT_MS. */
export function deadlineExceeded(timeoutMs: number): AppError {
  return new AppError(
    'QUERY_TOO_COMPLEX',
    `The operation ran longer than ${timeoutMs} ms and was stopped; ask for less at once`,
    { extensions: { limit: 'QUERY_TIMEOUT_MS', timeoutMs } },
  );
}
