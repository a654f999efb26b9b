export { openRedis, pingRedis } from './open-redis.js';
export type { Redis, RedisConnection, OpenRedisOptions } from './open-redis.js';
