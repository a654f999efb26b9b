import type { Redis } from 'ioredis';
import { pingRedis } from './open-redis.js';

/** Thrown by `waitForRedis` when Redis stays unreachable; `message` is one safe line (no password). */
export class RedisUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnreachableError';
  }
}

export interface WaitForRedisOptions {
  /** Total time to keep trying, in ms. */
  readonly timeoutMs: number;
  /** `redis://…` of the connection, named (host and port only) in the error. */
  readonly url: string;
  readonly onRetry?: (info: { attempt: number; delayMs: number; cause: string }) => void;
}

/**
 * Pings with exponential backoff (100 ms doubling up to 2 s) until Redis answers or `timeoutMs` passed.
 * @throws RedisUnreachableError naming host and port and the last cause.
 */
export async function waitForRedis(client: Redis, options: WaitForRedisOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  // The connection's own error (ECONNREFUSED, WRONGPASS) says more than "not ready".
  let lastConnectionError: unknown;
  const onError = (err: unknown) => (lastConnectionError = err);
  client.on('error', onError);
  try {
    await firstConnect(client, 1_000);
    await pingWithBackoff();
  } finally {
    client.off('error', onError);
  }

  async function pingWithBackoff(): Promise<void> {
    for (let attempt = 1, delay = 100; ; attempt++, delay = Math.min(delay * 2, 2_000)) {
      try {
        return await pingRedis(client);
      } catch (err) {
        const cause = redisCause(lastConnectionError ?? err);
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new RedisUnreachableError(
            `Redis unreachable after ${attempt} attempts (${redisWhere(options.url)}): ${cause}`,
            { cause: err },
          );
        }
        const wait = Math.min(delay, remaining);
        options.onRetry?.({ attempt, delayMs: wait, cause });
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `host=${u.hostname} port=${u.port || '6379'}`;
  } catch {
    return 'host=unknown';
  }
}

function redisCause(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  const line = (msg.split('\n')[0] ?? '').replace(/[a-z][a-z0-9+.-]*:\/\/[^\s]+/gi, '<url>').slice(0, 200);
  return typeof e?.code === 'string' && !line.includes(e.code) ? `${e.code}: ${line}` : line;
}

/** Gives a connection that is still connecting up to `ms` to become ready, so a healthy start logs no retry. */
function firstConnect(client: Redis, ms: number): Promise<void> {
  if (client.status !== 'connecting' && client.status !== 'connect') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
    client.once('error', done);
  });
}
