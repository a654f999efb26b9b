/** Stops one subscription. Safe to call twice. */
export type Unsubscribe = () => void;

/**
 * Channel-based publish/subscribe: Redis (ioredis; distributed: any process publishes,
 * every API instance receives) or graphql-subscriptions' in-process PubSub (embedded mode).
 * Payloads must be JSON values; both implementations deliver a JSON copy, in publish order per channel.
 */
export interface PubSub {
  /** Publishes `payload` on `channel`. Rejects when the backend is unreachable. */
  publish(channel: string, payload: unknown): Promise<void>;
  /**
   * Subscribes `onMessage` to `channel`. Resolves once the subscription is active (Redis acknowledged
   * SUBSCRIBE): every message published after that is delivered, in order. While the backend is unreachable it
   * resolves after a short wait (Redis: `connectWaitMs`) without failing; the subscription becomes active when the backend is back, and then
   * `onReconnect` listeners are called (re-read state). Rejects only after `close()`.
   */
  subscribe(channel: string, onMessage: (payload: unknown) => void): Promise<Unsubscribe>;
  /**
   * Calls `listener` whenever the subscriber connection came back after an outage (subscriptions are restored
   * automatically, but messages published meanwhile are lost: re-read state). Never called in-process.
   */
  onReconnect(listener: () => void): Unsubscribe;
  /** Ends every subscription and closes the connections this pub/sub owns. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A resolver instance that serves the type-graphql subscription `topics` it declares (routed by
 * src/server/build-schema.ts). type-graphql gives a `subscribe` function no resolver instance; routing the
 * topic to the instance lets subscriptions use injected services. A source may return a Promise: a rejection
 * (NOT_FOUND, SERVICE_UNAVAILABLE) fails the subscription with a GraphQL error before it starts.
 */
export interface SubscriptionTopicSource {
  readonly subscriptionTopics: Readonly<
    Record<string, (topicId: unknown) => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>>
  >;
}
