import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Redis } from '../redis/index.js';
import { clientNetworkKey } from './client-network.js';
import { createMemoryLoginBackoff, createRedisLoginBackoff } from './login-backoff.js';

/**
 * Login-attempt counters (brute force, password spraying, distributed guessing): per email + client
 * network, per client network, and per account across every network with exponential backoff. A client
 * network is an IPv4 address or an IPv6 /64 (`clientNetworkKey`). Every attempt takes its points before
 * the password is checked (so parallel attempts cannot overrun a limit); a success gives them back.
 */
export interface LoginThrottle {
  /**
   * Takes one point from the email+network counter, then the per-network one, then records an attempt
   * on the account's backoff.
   * @throws AppError RATE_LIMITED (`extensions.retryAfter` in seconds) when any of them refuses.
   */
  consumeAttempt(email: string, ip: string): Promise<void>;
  /** After a successful login: resets the email+network counter and the account's backoff, returns the network point. */
  recordSuccess(email: string, ip: string): Promise<void>;
  /**
   * Takes one point from the per-network counter alone (a `register` attempt: probing which emails are
   * registered is bounded like password spraying).
   * @throws AppError RATE_LIMITED when the network's counter is exhausted.
   */
  consumeNetworkAttempt(ip: string): Promise<void>;
  /** Gives back the point of `consumeNetworkAttempt` (an account was created). */
  rewardNetworkAttempt(ip: string): Promise<void>;
}

export interface LoginThrottleOptions {
  /** Failures allowed per email+network in the window; per network the limit is 5× this. */
  readonly maxFailures: number;
  /** Attempts on one account (any network) in the window before each further one must wait 1 s, 2 s, 4 s… */
  readonly accountMaxFailures: number;
  readonly windowSeconds: number;
  /** Shared counters across instances; null: in this process (embedded mode). */
  readonly redis: Redis | null;
  /** Key prefix, e.g. "pharos:". */
  readonly keyPrefix: string;
  /** Clock in ms for the in-process backoff (tests). */
  readonly now?: () => number;
}

/** Per-network limit as a multiple of the per-email+network one (a shared NAT has many honest users). */
export const PER_IP_FACTOR = 5;

const rateLimited = (msBeforeNext: number) =>
  new AppError('RATE_LIMITED', 'Too many failed login attempts; try again later', {
    extensions: { retryAfter: Math.max(1, Math.ceil(msBeforeNext / 1000)) },
  });

/**
 * rate-limiter-flexible counters (RateLimiterRedis with an in-memory insurance limiter used while Redis is
 * down, or RateLimiterMemory) and a `LoginBackoff` per account. Email addresses are hashed before they
 * become keys.
 * @throws TypeError for a non-positive limit or window (wiring mistake).
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  for (const name of ['maxFailures', 'accountMaxFailures', 'windowSeconds'] as const)
    if (!(options[name] >= 1)) throw new TypeError(`login throttle: ${name} must be at least 1`);
  const make = (name: string, points: number): RateLimiterAbstract => {
    const base = { points, duration: options.windowSeconds, keyPrefix: `${options.keyPrefix}auth:login-fail:${name}` };
    if (!options.redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) });
  };
  const perEmailNetwork = make('email-net', options.maxFailures);
  const perNetwork = make('net', options.maxFailures * PER_IP_FACTOR);
  const backoffOptions = {
    freeAttempts: options.accountMaxFailures,
    maxDelayMs: options.windowSeconds * 1000,
    windowMs: options.windowSeconds * 1000,
  };
  const perAccount = options.redis
    ? createRedisLoginBackoff({ ...backoffOptions, client: options.redis, keyPrefix: options.keyPrefix })
    : createMemoryLoginBackoff({ ...backoffOptions, ...(options.now ? { now: options.now } : {}) });
  const hash = (text: string) => createHash('sha256').update(text).digest('base64url');
  const emailNetworkKey = (email: string, ip: string) => hash(`${email}\u0000${clientNetworkKey(ip)}`);
  const consume = async (limiter: RateLimiterAbstract, key: string) => {
    try {
      // consume() is atomic (Redis INCR / in-process counter): N parallel attempts take N points.
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      throw rateLimited((rejection as { msBeforeNext: number }).msBeforeNext);
    }
  };
  return {
    async consumeAttempt(email, ip) {
      await consume(perEmailNetwork, emailNetworkKey(email, ip));
      await consume(perNetwork, clientNetworkKey(ip));
      // Last, so a network that is already refused cannot push the account's backoff further.
      const waitMs = await perAccount.attempt(hash(email));
      if (waitMs > 0) throw rateLimited(waitMs);
    },
    async recordSuccess(email, ip) {
      await Promise.all([
        perEmailNetwork.delete(emailNetworkKey(email, ip)),
        perNetwork.reward(clientNetworkKey(ip), 1),
        perAccount.reset(hash(email)),
      ]);
    },
    consumeNetworkAttempt: (ip) => consume(perNetwork, clientNetworkKey(ip)),
    async rewardNetworkAttempt(ip) {
      await perNetwork.reward(clientNetworkKey(ip), 1);
    },
  };
}
