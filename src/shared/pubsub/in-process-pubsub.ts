import { EventEmitter } from 'node:events';
import { PubSub as EventPubSub } from 'graphql-subscriptions';
import type { PubSub, Unsubscribe } from './types.js';

/**
 * graphql-subscriptions' in-process PubSub (embedded mode: the worker loop runs in the API process).
 * Delivery is synchronous and in publish order; payloads are delivered as JSON copies, as through Redis.
 */
export function createInProcessPubSub(): PubSub {
  const emitter = new EventEmitter();
  // Thousands of subscribers may watch one resource; the default cap of 10 listeners only warns.
  emitter.setMaxListeners(0);
  const engine = new EventPubSub<Record<string, unknown>>({ eventEmitter: emitter });
  const active = new Set<number>();
  let closed = false;

  const subscribe = async (channel: string, onMessage: (payload: unknown) => void): Promise<Unsubscribe> => {
    if (closed) throw new Error('pub/sub is closed');
    const id = await engine.subscribe(channel, (text: string) => onMessage(JSON.parse(text)));
    active.add(id);
    return () => {
      if (active.delete(id)) engine.unsubscribe(id);
    };
  };

  return {
    async publish(channel, payload) {
      if (closed) throw new Error('pub/sub is closed');
      await engine.publish(channel, JSON.stringify(payload));
    },
    subscribe,
    onReconnect: () => () => undefined,
    async close() {
      closed = true;
      for (const id of active) engine.unsubscribe(id);
      active.clear();
    },
  };
}
