export { openRedis, pingRedis } from './open-redis.js';
export type { Redis, RedisConnection, OpenRedisOptions } from './open-redis.js';
export { RedisUnreachableError, waitForRedis } from './wait-for-redis.js';
export type { WaitForRedisOptions } from './wait-for-redis.js';
export { defineScript } from './define-script.js';
export type { RedisScript } from './define-script.js';
