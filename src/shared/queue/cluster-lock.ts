import { randomUUID } from 'node:crypto';
import { defineScript, type Redis } from '../redis/index.js';

/**
 * A lease held by at most one process of the cluster at a time, for periodic work that must not run
 * on every process at once (the reconciler). A lease ends by itself after its TTL, so a process that
 * dies holding it blocks nobody for longer than that.
 */
export interface ClusterLock {
  /**
   * Takes the lease for `ttlMs` (or extends it when this lock already holds it).
   * Resolves true when this process holds it now. Rejects when the backend is unreachable.
   */
  tryAcquire(ttlMs: number): Promise<boolean>;
  /** Gives the lease up early if this lock holds it (never another holder's). */
  release(): Promise<void>;
}

export interface RedisClusterLockOptions {
  /** A command connection owned by the caller. */
  readonly redis: Redis;
  /** The lock key, e.g. `<REDIS_KEY_PREFIX>lock:reconciler`. */
  readonly key: string;
}

// Extend our own lease, else take a free one: SET NX PX. KEYS[1] = key; ARGV = token, ttlMs.
const ACQUIRE = `
  if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
  return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The lease as one Redis key holding this lock's random token (SET NX PX; released by compare-and-delete). */
export function createRedisClusterLock(options: RedisClusterLockOptions): ClusterLock {
  if (!options.key) throw new TypeError('createRedisClusterLock needs a key');
  const { redis, key } = options;
  const token = randomUUID();
  const acquire = defineScript(redis, 'pharosLockAcquire', ACQUIRE, 1);
  const release = defineScript(redis, 'pharosLockRelease', RELEASE, 1);
  return {
    async tryAcquire(ttlMs) {
      if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new TypeError(`ttlMs must be a positive integer, got ${ttlMs}`);
      return Number(await acquire(key, token, String(ttlMs))) === 1;
    },
    async release() {
      await release(key, token);
    },
  };
}

/** Embedded mode: one process is the whole cluster, so the lease is always this process's. */
export function createInProcessClusterLock(): ClusterLock {
  return {
    async tryAcquire(ttlMs) {
      if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new TypeError(`ttlMs must be a positive integer, got ${ttlMs}`);
      return true;
    },
    async release() {},
  };
}
