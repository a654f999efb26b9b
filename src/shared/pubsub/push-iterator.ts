/** A push-fed async iterator whose `return()` ends it at once, even while a `next()` is waiting. */
export interface PushIterator<T> {
  readonly iterator: AsyncIterableIterator<T>;
  /** Queues a value (dropping the oldest when more than `maxBuffered` wait). Ignored once closed. */
  push(value: T): void;
  /** Makes the pending or next `next()` reject with `error`, then ends. */
  fail(error: unknown): void;
  /** Ends the iterator (pending `next()` resolves done) and runs `onClose` once. */
  close(): void;
  readonly closed: boolean;
}

export interface PushIteratorOptions {
  /** Most undelivered values kept (default 1000). */
  readonly maxBuffered?: number;
  /** Runs once when the iterator ends for any reason (consumer `return()`, `close()`, `fail()`). */
  readonly onClose?: () => void;
}

/**
 * Async generators cannot be stopped while they await (their `return()` waits for the pending step), which
 * would keep a subscription open until the next message: this iterator is the manual alternative.
 */
export function createPushIterator<T>(options: PushIteratorOptions = {}): PushIterator<T> {
  const maxBuffered = options.maxBuffered ?? 1000;
  const buffer: T[] = [];
  const waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  let closed = false;
  let pendingError: { error: unknown } | null = null;

  const finish = () => {
    if (closed) return;
    closed = true;
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
    options.onClose?.();
  };

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as T, done: false });
      if (pendingError) {
        const { error } = pendingError;
        pendingError = null;
        return Promise.reject(error);
      }
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      buffer.length = 0;
      pendingError = null;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      buffer.length = 0;
      pendingError = null;
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  return {
    iterator,
    get closed() {
      return closed;
    },
    push(value) {
      if (closed) return;
      const w = waiting.shift();
      if (w) {
        w.resolve({ value, done: false });
        return;
      }
      buffer.push(value);
      if (buffer.length > maxBuffered) buffer.shift();
    },
    fail(error) {
      if (closed) return;
      const w = waiting.shift();
      if (w) w.reject(error);
      else pendingError = { error };
      finish();
    },
    close: finish,
  };
}
