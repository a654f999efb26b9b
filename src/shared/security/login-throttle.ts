import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Redis } from '../redis/index.js';

/** Failed-login counters per email+IP and per IP (brute force and password spraying). */
export interface LoginThrottle {
  /** @throws AppError RATE_LIMITED (`extensions.retryAfter` in seconds) when either counter is exhausted. */
  assertAllowed(email: string, ip: string): Promise<void>;
  /** Counts one failure against both counters. */
  recordFailure(email: string, ip: string): Promise<void>;
  /** Resets the email+IP counter (the per-IP counter keeps running). */
  recordSuccess(email: string, ip: string): Promise<void>;
}

export interface LoginThrottleOptions {
  /** Failures allowed per email+IP in the window; per IP the limit is 5× this. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  /** Shared counters across instances; null: in this process (embedded mode). */
  readonly redis: Redis | null;
  /** Key prefix, e.g. "pharos:". */
  readonly keyPrefix: string;
}

/** Per-IP limit as a multiple of the per-email+IP one (a shared NAT has many honest users). */
export const PER_IP_FACTOR = 5;

/**
 * rate-limiter-flexible counters: RateLimiterRedis (with an in-memory insurance limiter used while Redis
 * is down) or RateLimiterMemory. Email addresses are hashed before they become keys.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const make = (name: string, points: number): RateLimiterAbstract => {
    const base = { points, duration: options.windowSeconds, keyPrefix: `${options.keyPrefix}auth:login-fail:${name}` };
    if (!options.redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) });
  };
  const perEmailIp = make('email-ip', options.maxFailures);
  const perIp = make('ip', options.maxFailures * PER_IP_FACTOR);
  const emailKey = (email: string, ip: string) =>
    createHash('sha256').update(`${email}\u0000${ip}`).digest('base64url');
  const limiters = [
    { limiter: perEmailIp, points: options.maxFailures, key: emailKey },
    { limiter: perIp, points: options.maxFailures * PER_IP_FACTOR, key: (_e: string, ip: string) => ip },
  ];
  return {
    async assertAllowed(email, ip) {
      for (const { limiter, points, key } of limiters) {
        const res = await limiter.get(key(email, ip));
        if (res && res.consumedPoints >= points) {
          const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
          throw new AppError('RATE_LIMITED', 'Too many failed login attempts; try again later', {
            extensions: { retryAfter },
          });
        }
      }
    },
    async recordFailure(email, ip) {
      // consume() rejects once the limit is passed; the counter has still been incremented.
      await Promise.all(limiters.map(({ limiter, key }) => limiter.consume(key(email, ip)).catch(() => undefined)));
    },
    async recordSuccess(email, ip) {
      await perEmailIp.delete(emailKey(email, ip));
    },
  };
}
