import type { Logger } from '../shared/logger.js';

/** Something opened during start-up, with the one way to close it. */
export type Closer = () => Promise<void> | void;

export interface Lifetime {
  /** Registers a closer; closers run in reverse order of registration. Returns its argument. */
  defer(name: string, close: Closer): void;
  /**
   * Runs every closer once, last registered first; a failing closer is logged and the rest still run.
   * Safe to call twice (the second call waits for the first).
   */
  close(): Promise<void>;
  /** True once `close()` has started. */
  readonly closing: boolean;
}

/**
 * The one lifetime of a process: everything the bootstrap opens is registered here, and shutdown closes
 * it all in reverse order (HTTP before the queue, the queue before Redis, Redis before the database).
 */
export function createLifetime(logger: Logger): Lifetime {
  const closers: Array<{ name: string; close: Closer }> = [];
  let closing: Promise<void> | null = null;
  return {
    defer(name, close) {
      if (closing) throw new TypeError(`lifetime is closing: cannot register "${name}"`);
      closers.push({ name, close });
    },
    get closing() {
      return closing !== null;
    },
    close() {
      closing ??= (async () => {
        for (const { name, close } of closers.splice(0).reverse()) {
          try {
            await close();
          } catch (err) {
            logger.warn({ err, resource: name }, 'error during shutdown');
          }
        }
      })();
      return closing;
    },
  };
}
