import { createPushIterator } from './push-iterator.js';
import type { Unsubscribe } from './types.js';

/** `PubSub.asyncIterator` on top of `PubSub.subscribe`: subscribes on the first `next()`, unsubscribes on `return()`. */
export function channelIterator<T>(
  subscribe: (channel: string, onMessage: (payload: unknown) => void) => Promise<Unsubscribe>,
  channel: string,
  options: { maxBuffered?: number } = {},
): AsyncIterableIterator<T> {
  let stop: Unsubscribe | null = null;
  let started = false;
  const queue = createPushIterator<T>({ maxBuffered: options.maxBuffered, onClose: () => stop?.() });
  const inner = queue.iterator;
  return {
    next() {
      if (!started) {
        started = true;
        subscribe(channel, (payload) => queue.push(payload as T)).then(
          (unsubscribe) => {
            if (queue.closed) unsubscribe();
            else stop = unsubscribe;
          },
          (err: unknown) => queue.fail(err),
        );
      }
      return inner.next();
    },
    return: () => inner.return!(),
    throw: (e?: unknown) => inner.throw!(e),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
