export { openRedis, pingRedis } from './open-redis.js';
export type { Redis, RedisConnection, OpenRedisOptions } from './open-redis.js';
export { RedisUnreachableError, waitForRedis } from './wait-for-redis.js';
export type { WaitForRedisOptions } from './wait-for-redis.js';
