import type { PubSub } from '../pubsub/index.js';
import { applyChange, type ProgressChange } from './apply-change.js';
import type { ProgressFields } from './progress-record.js';
import type { ProgressStore } from './progress-store.js';

export interface InProcessProgressStoreOptions {
  readonly pubsub: PubSub;
  readonly ttlSeconds: number;
  readonly keyPrefix?: string;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** How often expired records are swept (ms, default min(ttl, 60 s)). */
  readonly sweepIntervalMs?: number;
}

/** Embedded mode: a Map with the same fields, TTL and publish order as the Redis hash. */
export function createInProcessProgressStore(options: InProcessProgressStoreOptions): ProgressStore {
  const now = options.now ?? Date.now;
  const prefix = options.keyPrefix ?? 'pharos:progress:';
  const ttlMs = options.ttlSeconds * 1000;
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1)
    throw new TypeError('ttlSeconds must be a positive integer');
  const records = new Map<string, { fields: Record<string, string>; expiresAt: number }>();
  const live = (id: string) => {
    const record = records.get(id);
    if (record && record.expiresAt <= now()) {
      records.delete(id);
      return undefined;
    }
    return record;
  };
  const sweep = setInterval(
    () => {
      const t = now();
      for (const [id, record] of records) if (record.expiresAt <= t) records.delete(id);
    },
    options.sweepIntervalMs ?? Math.min(ttlMs, 60_000),
  );
  sweep.unref();
  const channel = (id: string) => `${prefix}events:${id}`;

  return {
    channel,
    async apply(resourceId: string, change: ProgressChange) {
      const record = live(resourceId) ?? { fields: {}, expiresAt: 0 };
      const t = now();
      if (!applyChange(record.fields, change, t * 1000)) return null;
      record.expiresAt = t + ttlMs;
      records.set(resourceId, record);
      const snapshot: ProgressFields = { ...record.fields };
      // Published before anything else can change the record: in-process delivery is synchronous.
      await options.pubsub.publish(channel(resourceId), Object.entries(snapshot).flat());
      return snapshot;
    },
    async read(resourceIds) {
      return resourceIds.map((id) => {
        const record = live(id);
        return record ? { ...record.fields } : null;
      });
    },
    async remove(resourceId) {
      records.delete(resourceId);
    },
    async close() {
      clearInterval(sweep);
      records.clear();
    },
  };
}
