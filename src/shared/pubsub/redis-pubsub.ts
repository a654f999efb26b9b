import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from '../logger.js';
import { openRedis, type RedisConnection } from '../redis/index.js';
import { channelIterator } from './channel-iterator.js';
import type { PubSub, Unsubscribe } from './types.js';

export interface CreateRedisPubSubOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Connection name prefix shown by CLIENT LIST: `<name>:pub` and `<name>:sub`. */
  readonly name?: string;
}

/**
 * graphql-redis-subscriptions' RedisPubSub on two connections it owns (a subscribed Redis connection can
 * run no other command). Messages are JSON. After a reconnect ioredis re-subscribes every channel by itself;
 * `onReconnect` listeners then re-read whatever state they follow.
 */
export function createRedisPubSub(options: CreateRedisPubSubOptions): PubSub {
  const name = options.name ?? 'pharos:pubsub';
  const publisher: RedisConnection = openRedis({ url: options.url, name: `${name}:pub`, logger: options.logger });
  const subscriber: RedisConnection = openRedis({ url: options.url, name: `${name}:sub`, logger: options.logger });
  const sub = subscriber.client;
  // RedisPubSub.unsubscribe() fires UNSUBSCRIBE and PUNSUBSCRIBE without handling their promises, so an
  // unsubscribe during an outage would be an unhandled rejection that ends the process. We never use
  // patterns; both become safe on this connection, which only this pub/sub owns.
  const unsubscribeChannel = sub.unsubscribe.bind(sub);
  Object.assign(sub, {
    unsubscribe: (...channels: string[]) => unsubscribeChannel(...channels).catch(() => 0),
    punsubscribe: () => Promise.resolve(0),
  });
  const engine = new RedisPubSub({ publisher: publisher.client, subscriber: sub });

  const reconnectListeners = new Set<() => void>();
  let everReady = sub.status === 'ready';
  sub.on('ready', () => {
    if (everReady) for (const listener of reconnectListeners) listener();
    everReady = true;
  });

  const active = new Set<number>();
  let closed = false;

  const subscribe = async (channel: string, onMessage: (payload: unknown) => void): Promise<Unsubscribe> => {
    if (closed) throw new Error('pub/sub is closed');
    const id = await engine.subscribe(channel, onMessage);
    active.add(id);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (active.delete(id)) engine.unsubscribe(id);
    };
  };

  return {
    publish: (channel, payload) => engine.publish(channel, payload),
    subscribe,
    asyncIterator: <T>(channel: string, iteratorOptions?: { maxBuffered?: number }) =>
      channelIterator<T>(subscribe, channel, iteratorOptions),
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const id of active) engine.unsubscribe(id);
      active.clear();
      reconnectListeners.clear();
      await subscriber.close();
      await publisher.close();
    },
  };
}
