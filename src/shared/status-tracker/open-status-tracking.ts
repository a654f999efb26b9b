import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { createInProcessPubSub, createRedisPubSub, type PubSub } from '../pubsub/index.js';
import type { Redis } from '../redis/index.js';
import { createStatusTracker, type StatusTrackerHandle } from './create-status-tracker.js';
import { createInProcessProgressStore } from './in-process-progress-store.js';
import { createRedisProgressStore } from './redis-progress-store.js';
import type { ProgressPersistence } from './types.js';

export interface StatusTracking {
  readonly pubsub: PubSub;
  readonly tracker: StatusTrackerHandle;
  /** Closes the tracker, then the pub/sub connections it opened (never the `redis` passed in). */
  close(): Promise<void>;
}

export interface CreateRedisStatusTrackingOptions {
  /** Used for the pub/sub's own publisher and subscriber connections. */
  readonly url: string;
  /** A command connection owned by the caller, for the progress hashes. */
  readonly redis: Redis;
  readonly ttlSeconds: number;
  readonly persistence: ProgressPersistence | null;
  readonly logger: Logger;
  /** Key and channel prefix (tests use unique ones). Default `pharos:progress:`. */
  readonly keyPrefix?: string;
  /** CLIENT SETNAME prefix of the pub/sub connections. */
  readonly name?: string;
  readonly readTimeoutMs?: number;
  /**
   * A writer only (workers): changes are published on `redis` itself and `watchProgress` is refused,
   * so the process opens no pub/sub connections of its own. Default false (the API watches).
   */
  readonly writeOnly?: boolean;
}

/** Distributed mode: progress hashes in Redis, changes through Redis pub/sub. */
export function createRedisStatusTracking(options: CreateRedisStatusTrackingOptions): StatusTracking {
  const pubsub = options.writeOnly
    ? createPublishOnlyPubSub(options.redis)
    : createRedisPubSub({ url: options.url, logger: options.logger, name: options.name });
  const store = createRedisProgressStore({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    ttlSeconds: options.ttlSeconds,
  });
  const tracker = createStatusTracker({
    store,
    pubsub,
    persistence: options.persistence,
    logger: options.logger,
    readTimeoutMs: options.readTimeoutMs,
  });
  return { pubsub, tracker, close: closeBoth(tracker, pubsub) };
}

export interface CreateInProcessStatusTrackingOptions {
  readonly ttlSeconds: number;
  readonly persistence: ProgressPersistence | null;
  readonly logger: Logger;
  readonly keyPrefix?: string;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** Embedded mode: the same tracker on an in-process map and PubSub (one process runs API and worker). */
export function createInProcessStatusTracking(options: CreateInProcessStatusTrackingOptions): StatusTracking {
  const pubsub = createInProcessPubSub();
  const store = createInProcessProgressStore({
    pubsub,
    ttlSeconds: options.ttlSeconds,
    keyPrefix: options.keyPrefix,
    now: options.now,
  });
  const tracker = createStatusTracker({ store, pubsub, persistence: options.persistence, logger: options.logger });
  return { pubsub, tracker, close: closeBoth(tracker, pubsub) };
}

/**
 * From configuration: Redis when REDIS_URL is set (then `redis` must be the caller's command connection;
 * keys and channels start with `<REDIS_KEY_PREFIX>progress:`), in-process otherwise. Composition roots (API and worker) call this once.
 */
export function openStatusTracking(options: {
  config: Config;
  logger: Logger;
  redis: Redis | null;
  persistence: ProgressPersistence | null;
  name?: string;
  /** Workers write progress and never watch it (see CreateRedisStatusTrackingOptions.writeOnly). */
  writeOnly?: boolean;
}): StatusTracking {
  const { config } = options;
  if (config.redis.url) {
    if (!options.redis) throw new TypeError('openStatusTracking: REDIS_URL is set but no Redis connection was given');
    return createRedisStatusTracking({
      url: config.redis.url.reveal(),
      redis: options.redis,
      keyPrefix: `${config.redis.keyPrefix}progress:`,
      ttlSeconds: config.progressTtlSeconds,
      persistence: options.persistence,
      logger: options.logger,
      name: options.name,
      writeOnly: options.writeOnly ?? false,
    });
  }
  return createInProcessStatusTracking({
    ttlSeconds: config.progressTtlSeconds,
    persistence: options.persistence,
    logger: options.logger,
  });
}

/** Publishes on the caller's command connection (PUBLISH needs no subscribed connection); cannot subscribe. */
function createPublishOnlyPubSub(redis: Redis): PubSub {
  return {
    async publish(channel, payload) {
      await redis.publish(channel, JSON.stringify(payload));
    },
    subscribe: () => Promise.reject(new TypeError('this progress tracker only writes (a worker): watch from the API')),
    onReconnect: () => () => undefined,
    async close() {},
  };
}

function closeBoth(tracker: StatusTrackerHandle, pubsub: PubSub): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= (async () => {
      await tracker.close();
      await pubsub.close();
    })();
    return closing;
  };
}
