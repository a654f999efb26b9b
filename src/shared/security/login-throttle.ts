import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Redis } from '../redis/index.js';

/**
 * Login-attempt counters per email+IP and per IP (brute force and password spraying). Every attempt
 * takes a point before the password is checked (so parallel attempts cannot overrun the limit); a
 * success gives its points back.
 */
export interface LoginThrottle {
  /**
   * Takes one point from the email+IP counter, then from the per-IP one.
   * @throws AppError RATE_LIMITED (`extensions.retryAfter` in seconds) when either counter is exhausted.
   */
  consumeAttempt(email: string, ip: string): Promise<void>;
  /** After a successful login: resets the email+IP counter and returns the attempt's per-IP point. */
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
    { limiter: perEmailIp, key: emailKey },
    { limiter: perIp, key: (_e: string, ip: string) => ip },
  ];
  return {
    async consumeAttempt(email, ip) {
      // consume() is atomic (Redis INCR / in-process counter): N parallel attempts take N points.
      for (const { limiter, key } of limiters) {
        try {
          await limiter.consume(key(email, ip));
        } catch (rejection) {
          if (rejection instanceof Error) throw rejection;
          const res = rejection as { msBeforeNext: number };
          const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
          throw new AppError('RATE_LIMITED', 'Too many failed login attempts; try again later', {
            extensions: { retryAfter },
          });
        }
      }
    },
    async recordSuccess(email, ip) {
      await Promise.all([perEmailIp.delete(emailKey(email, ip)), perIp.reward(ip, 1)]);
    },
  };
}
