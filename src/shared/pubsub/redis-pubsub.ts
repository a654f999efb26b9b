import type { Logger } from '../logger.js';
import { createThrottledWarn } from '../logger.js';
import { openRedis, type RedisConnection } from '../redis/index.js';
import type { PubSub, Unsubscribe } from './types.js';

export interface CreateRedisPubSubOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Connection name prefix shown by CLIENT LIST: `<name>:pub` and `<name>:sub`. */
  readonly name?: string;
  /**
   * How long `subscribe` waits for a subscriber connection that is not ready (still connecting, or Redis is down)
   * before it resolves anyway with the channel recorded for the reconnect (ms, default 1000).
   */
  readonly connectWaitMs?: number;
}

type Listener = (payload: unknown) => void;

/**
 * Redis pub/sub on two connections it owns (a subscribed Redis connection can run no other command).
 * Messages are JSON. One SUBSCRIBE per channel however many local listeners it has.
 *
 * Outages never fail a subscribe: while the subscriber connection is down a new channel is recorded and
 * subscribed as soon as Redis is back (ioredis itself re-subscribes the channels Redis had confirmed).
 * Once every channel is subscribed again, `onReconnect` listeners run, so they re-read whatever state they
 * follow and nothing published meanwhile is missed for good. (graphql-redis-subscriptions' RedisPubSub,
 * used before, rejected an internal promise nobody awaited when SUBSCRIBE failed: one subscribe during an
 * outage ended the process with an unhandled MaxRetriesPerRequestError.)
 */
export function createRedisPubSub(options: CreateRedisPubSubOptions): PubSub {
  const name = options.name ?? 'pharos:pubsub';
  const publisher: RedisConnection = openRedis({ url: options.url, name: `${name}:pub`, logger: options.logger });
  const subscriber: RedisConnection = openRedis({ url: options.url, name: `${name}:sub`, logger: options.logger });
  const sub = subscriber.client;
  const warn = createThrottledWarn(options.logger);
  const listeners = new Map<string, Set<Listener>>();
  /** Channels with listeners that Redis has not confirmed yet (new during an outage, or a failed SUBSCRIBE). */
  const unconfirmed = new Set<string>();
  /** Resolves when a channel of `unconfirmed` is confirmed (subscribers waiting for a connection that is not ready). */
  const confirmed = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const connectWaitMs = options.connectWaitMs ?? 1_000;
  /** Channels whose UNSUBSCRIBE failed (outage): ioredis re-subscribes them on reconnect, so drop them then. */
  const abandoned = new Set<string>();
  const reconnectListeners = new Set<() => void>();
  let closed = false;

  sub.on('message', (channel: string, message: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      payload = message;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (err) {
        warn({ err: String(err) }, 'pub/sub listener threw');
      }
    }
  });

  /** Sends SUBSCRIBE for `channels`; on failure they stay unconfirmed until the next 'ready'. Never rejects. */
  const confirm = async (channels: readonly string[]): Promise<boolean> => {
    if (channels.length === 0) return true;
    try {
      await sub.subscribe(...channels);
      for (const c of channels) {
        unconfirmed.delete(c);
        confirmed.get(c)?.resolve();
        confirmed.delete(c);
      }
      return true;
    } catch (err) {
      warn(
        { code: (err as { code?: string }).code, channels: channels.length },
        'redis SUBSCRIBE failed: retrying on reconnect',
      );
      return false;
    }
  };

  let everReady = sub.status === 'ready';
  sub.on('ready', () => {
    const wasReady = everReady;
    everReady = true;
    if (closed) return;
    // Redis answers in order on one connection: when this SUBSCRIBE is acknowledged, ioredis' own
    // re-subscriptions sent before 'ready' are active too, so listeners re-read only after that.
    const pending = [...unconfirmed].filter((c) => listeners.has(c));
    const stale = [...abandoned].filter((c) => !listeners.has(c));
    abandoned.clear();
    if (stale.length > 0) sub.unsubscribe(...stale).catch(() => stale.forEach((c) => abandoned.add(c)));
    void confirm(pending).then((ok) => {
      // Also after the first 'ready' when channels were recorded before it: their subscribers read state early.
      if (!ok || closed || (!wasReady && pending.length === 0)) return;
      for (const listener of [...reconnectListeners]) listener();
    });
  });

  const waitConfirmed = async (channel: string): Promise<void> => {
    let entry = confirmed.get(channel);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      entry = { promise, resolve };
      confirmed.set(channel, entry);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.promise, new Promise<void>((r) => (timer = setTimeout(r, connectWaitMs)))]);
    clearTimeout(timer);
  };

  const subscribe = async (channel: string, onMessage: Listener): Promise<Unsubscribe> => {
    if (closed) throw new Error('pub/sub is closed');
    let set = listeners.get(channel);
    const isNew = !set;
    if (!set) {
      set = new Set();
      listeners.set(channel, set);
    }
    const listener: Listener = (payload) => onMessage(payload);
    set.add(listener);
    if (isNew || unconfirmed.has(channel)) {
      unconfirmed.add(channel);
      // While disconnected a SUBSCRIBE would only wait in the offline queue and then fail: record it for the
      // next 'ready' instead, wait a moment for that (the first connect), then let the caller go on (it reads
      // current state itself, and again from onReconnect once the channel is active).
      if (sub.status === 'ready') await confirm([channel]);
      else await waitConfirmed(channel);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const current = listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      listeners.delete(channel);
      unconfirmed.delete(channel);
      confirmed.get(channel)?.resolve();
      confirmed.delete(channel);
      // During an outage this fails and ioredis would re-subscribe the channel on reconnect: 'ready' drops it.
      abandoned.delete(channel);
      sub.unsubscribe(channel).catch(() => {
        if (!listeners.has(channel)) abandoned.add(channel);
      });
    };
  };

  return {
    async publish(channel, payload) {
      await publisher.client.publish(channel, JSON.stringify(payload));
    },
    subscribe,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      unconfirmed.clear();
      abandoned.clear();
      for (const entry of confirmed.values()) entry.resolve();
      confirmed.clear();
      reconnectListeners.clear();
      await subscriber.close();
      await publisher.close();
    },
  };
}
