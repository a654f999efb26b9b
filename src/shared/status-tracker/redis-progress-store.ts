import { defineScript, type Redis } from '../redis/index.js';
import { SET_PROGRESS_LUA, type ProgressChange } from './apply-change.js';
import { flatToFields, type ProgressFields } from './progress-record.js';
import type { ProgressStore } from './progress-store.js';

export interface RedisProgressStoreOptions {
  /** A command connection owned by the caller (never a subscribed one). */
  readonly redis: Redis;
  /** Prefix of keys (`<prefix><id>`) and channels (`<prefix>events:<id>`). Default `pharos:progress:`. */
  readonly keyPrefix?: string;
  /** TTL set on every change (PROGRESS_TTL_SECONDS). */
  readonly ttlSeconds: number;
}

/** One Redis hash per resource, changed only by SET_PROGRESS_LUA (atomic: no read-modify-write between workers). */
export function createRedisProgressStore(options: RedisProgressStoreOptions): ProgressStore {
  const { redis } = options;
  const prefix = options.keyPrefix ?? 'pharos:progress:';
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1)
    throw new TypeError('ttlSeconds must be a positive integer');
  const run = defineScript(redis, 'pharosSetProgress', SET_PROGRESS_LUA, 1);
  const key = (id: string) => `${prefix}${id}`;
  const channel = (id: string) => `${prefix}events:${id}`;

  return {
    channel,
    async apply(resourceId: string, change: ProgressChange): Promise<ProgressFields | null> {
      const common = [key(resourceId), channel(resourceId), String(options.ttlSeconds)];
      const args =
        change.kind === 'init'
          ? [...common, 'init']
          : change.kind === 'interrupt'
            ? [...common, 'interrupt', change.reason, change.ifVersion === null ? '' : String(change.ifVersion)]
            : [
                ...common,
                'set',
                change.stage,
                change.status,
                change.error,
                change.attempt === null ? '' : String(change.attempt),
              ];
      const reply = await run(...args);
      if (reply === null && change.kind === 'interrupt') return null;
      return flatToFields(Array.isArray(reply) ? reply : []);
    },
    async read(resourceIds) {
      if (resourceIds.length === 1) {
        const fields = await redis.hgetall(key(resourceIds[0] as string));
        return [Object.keys(fields).length > 0 ? fields : null];
      }
      const pipeline = redis.pipeline();
      for (const id of resourceIds) pipeline.hgetall(key(id));
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([err, fields]) => {
        if (err) throw err;
        const f = fields as Record<string, string>;
        return Object.keys(f).length > 0 ? f : null;
      });
    },
    async remove(resourceId) {
      await redis.del(key(resourceId));
    },
    async close() {},
  };
}
