import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import { createThrottledWarn } from '../logger.js';
import { withTimeout } from '../with-timeout.js';

export type { Redis };

export interface RedisConnection {
  readonly client: Redis;
  readonly name: string;
  /** Closes this connection (QUIT, then disconnect after 1 s). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenRedisOptions {
  readonly url: string;
  /** Shown in logs and as the Redis CLIENT SETNAME, e.g. "pharos:api:pub". */
  readonly name: string;
  readonly logger: Logger;
  readonly redisOptions?: RedisOptions;
}

/**
 * Opens one ioredis connection owned by the caller. It reconnects forever with capped backoff
 * (Redis outages are survivable: callers fail open or degrade) and logs errors at most every 10 s.
 */
export function openRedis(options: OpenRedisOptions): RedisConnection {
  const warn = createThrottledWarn(options.logger);
  const client = new Redis(options.url, {
    connectionName: options.name.replace(/[^A-Za-z0-9:_-]/g, '_'),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    lazyConnect: false,
    ...options.redisOptions,
  });
  client.on('error', (err: Error & { code?: string }) =>
    warn({ redis: options.name, code: err.code }, 'redis connection error'),
  );
  let closed = false;
  return {
    client,
    name: options.name,
    async close() {
      if (closed) return;
      closed = true;
      const timer = setTimeout(() => client.disconnect(), 1_000);
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Pings Redis with a timeout; rejects when it does not answer PONG in time. */
export async function pingRedis(client: Redis, timeoutMs = 1_000): Promise<void> {
  if (client.status !== 'ready') throw new Error(`redis not ready (${client.status})`);
  const reply = await withTimeout(client.ping(), timeoutMs, 'redis ping timed out');
  if (reply !== 'PONG') throw new Error('unexpected redis ping reply');
}
