export type { PubSub, Unsubscribe, SubscriptionTopicSource } from './types.js';
export { createRedisPubSub } from './redis-pubsub.js';
export type { CreateRedisPubSubOptions } from './redis-pubsub.js';
export { createInProcessPubSub } from './in-process-pubsub.js';
export { createPushIterator } from './push-iterator.js';
export type { PushIterator, PushIteratorOptions } from './push-iterator.js';
