import { createThrottledWarn, type Logger } from '../logger.js';
import type { PubSub } from '../pubsub/index.js';
import { createPushIterator } from '../pubsub/index.js';
import type { ProgressChange } from './apply-change.js';
import {
  decodeFields,
  flatToFields,
  isProcessingStage,
  isStageStatus,
  normalizeError,
  pendingProgress,
} from './progress-record.js';
import type { ProgressStore } from './progress-store.js';
import type {
  MarkInterruptedOptions,
  ProcessingStage,
  ProgressPersistence,
  ResourceProgress,
  SetProgressOptions,
  StageStatus,
  StatusTracker,
} from './types.js';
import { withTimeout } from '../with-timeout.js';

export interface CreateStatusTrackerOptions {
  /** Live records: createRedisProgressStore or createInProcessProgressStore. */
  readonly store: ProgressStore;
  /** The pub/sub the store publishes on (subscriptions listen here). */
  readonly pubsub: PubSub;
  /** The durable copy on the resource row; null keeps progress in the store only (benchmarks, tests). */
  readonly persistence: ProgressPersistence | null;
  readonly logger: Logger;
  /** A store read slower than this counts as unreachable (ms, default 1000). */
  readonly readTimeoutMs?: number;
}

/** A StatusTracker that also releases its store's timers. */
export interface StatusTrackerHandle extends StatusTracker {
  close(): Promise<void>;
}

const TERMINAL = new Set<StageStatus>(['COMPLETED', 'FAILED']);

/**
 * The StatusTracker on a ProgressStore: validates input, applies changes atomically in the store (which publishes),
 * copies terminal changes and inits to the resource row, and serves reads with fallbacks
 * (store → resource row → all PENDING, with a warning at most every 10 s).
 * The Redis and in-process trackers differ only in their store, so they behave the same.
 */
export function createStatusTracker(options: CreateStatusTrackerOptions): StatusTrackerHandle {
  const { store, pubsub, persistence, logger } = options;
  const readTimeoutMs = options.readTimeoutMs ?? 1_000;
  const warnUnreachable = createThrottledWarn(logger);
  const warnMissing = createThrottledWarn(logger);
  const warnPersist = createThrottledWarn(logger);
  // Durable writes for one resource leave this process in the order their changes were applied.
  const persistChains = new Map<string, Promise<void>>();

  const persist = (snapshot: ResourceProgress): Promise<void> => {
    if (!persistence) return Promise.resolve();
    const id = snapshot.resourceId;
    const previous = persistChains.get(id) ?? Promise.resolve();
    const next = previous.then(() =>
      persistence.persist(id, snapshot).catch((err: unknown) => {
        warnPersist({ resourceId: id, err: errorSummary(err) }, 'could not store progress on the resource row');
      }),
    );
    persistChains.set(id, next);
    void next.then(() => {
      if (persistChains.get(id) === next) persistChains.delete(id);
    });
    return next;
  };

  const change = async (resourceId: string, c: ProgressChange): Promise<ResourceProgress> => {
    const snapshot = decodeFields(resourceId, (await store.apply(resourceId, c)) ?? {});
    if (c.kind === 'init' || (c.kind === 'set' && TERMINAL.has(c.status))) await persist(snapshot);
    return snapshot;
  };

  const readStore = (ids: readonly string[]) =>
    withTimeout(store.read(ids), readTimeoutMs, `progress store did not answer within ${readTimeoutMs} ms`);

  const getProgressMany = async (resourceIds: readonly string[]): Promise<ResourceProgress[]> => {
    resourceIds.forEach(checkId);
    if (resourceIds.length === 0) return [];
    let records: Array<Readonly<Record<string, string>> | null>;
    let reachable = true;
    try {
      records = await readStore(resourceIds);
    } catch (err) {
      reachable = false;
      warnUnreachable(
        { err: errorSummary(err) },
        'progress store unreachable: serving progress stored on resource rows',
      );
      records = resourceIds.map(() => null);
    }
    const missing = resourceIds.filter((_, i) => !records[i]);
    let stored: ReadonlyMap<string, ResourceProgress> = new Map();
    if (missing.length > 0) {
      if (reachable)
        warnMissing(
          { count: missing.length, resourceId: missing[0] },
          'no live progress record (expired, lost or never initialised): serving progress stored on resource rows',
        );
      if (persistence) {
        try {
          stored =
            missing.length === 1 ? new Map(await loadOne(missing[0] as string)) : await persistence.loadMany(missing);
        } catch (err) {
          warnPersist({ err: errorSummary(err) }, 'could not read progress stored on resource rows: serving PENDING');
        }
      }
    }
    const now = new Date();
    return resourceIds.map((id, i) => {
      const fields = records[i];
      return fields ? decodeFields(id, fields, now) : (stored.get(id) ?? pendingProgress(id, now));
    });
  };

  const loadOne = async (id: string): Promise<Array<[string, ResourceProgress]>> => {
    const snapshot = await persistence!.load(id);
    return snapshot ? [[id, snapshot]] : [];
  };

  const decodeMessage = (resourceId: string, payload: unknown): ResourceProgress | null =>
    Array.isArray(payload) ? decodeFields(resourceId, flatToFields(payload)) : null;

  /** The current snapshot first, then changes with a version above the last one delivered. */
  const watchProgress = (resourceId: string): AsyncIterableIterator<ResourceProgress> => {
    checkId(resourceId);
    let unsubscribe: (() => void) | null = null;
    let offReconnect: (() => void) | null = null;
    const out = createPushIterator<ResourceProgress>({
      onClose: () => {
        unsubscribe?.();
        offReconnect?.();
      },
    });
    let last = -1;
    let ready = false;
    const early: ResourceProgress[] = [];
    const deliver = (snapshot: ResourceProgress) => {
      if (!ready) {
        early.push(snapshot);
        return;
      }
      if (snapshot.version <= last) return;
      last = snapshot.version;
      out.push(snapshot);
    };
    const start = async () => {
      const stop = await pubsub.subscribe(store.channel(resourceId), (payload) => {
        const snapshot = decodeMessage(resourceId, payload);
        if (snapshot) deliver(snapshot);
      });
      if (out.closed) return stop();
      unsubscribe = stop;
      // Messages lost while the subscriber connection was down: the current state replaces them.
      offReconnect = pubsub.onReconnect(() => {
        getProgressMany([resourceId]).then(
          ([s]) => s && deliver(s),
          () => undefined,
        );
      });
      // Subscribed first, read second: every change after the snapshot arrives as a message, and
      // messages already contained in the snapshot are dropped by version.
      const [snapshot] = await getProgressMany([resourceId]);
      if (!snapshot) return;
      last = snapshot.version;
      out.push(snapshot);
      ready = true;
      for (const s of early.splice(0)) deliver(s);
    };
    start().catch((err: unknown) => out.fail(err));
    return out.iterator;
  };

  return {
    async setProgress(resourceId: string, stage: ProcessingStage, status: StageStatus, opts: SetProgressOptions = {}) {
      checkId(resourceId);
      if (!isProcessingStage(stage)) throw new TypeError(`unknown processing stage ${String(stage)}`);
      if (!isStageStatus(status)) throw new TypeError(`unknown stage status ${String(status)}`);
      const attempt = opts.attempt ?? null;
      if (attempt !== null && (!Number.isInteger(attempt) || attempt < 0))
        throw new TypeError('attempt must be a non-negative integer');
      return change(resourceId, {
        kind: 'set',
        stage,
        status,
        error: normalizeError(stage, status, opts.error),
        attempt,
      });
    },
    async markInterrupted(resourceId: string, opts: MarkInterruptedOptions) {
      checkId(resourceId);
      const reason = normalizeError('INGESTION', 'PENDING', opts.reason);
      if (reason === '') throw new TypeError('markInterrupted needs a reason');
      const ifVersion = opts.ifVersion ?? null;
      if (ifVersion !== null && !Number.isSafeInteger(ifVersion)) throw new TypeError('ifVersion must be an integer');
      const fields = await store.apply(resourceId, { kind: 'interrupt', reason, ifVersion });
      return fields ? decodeFields(resourceId, fields) : null;
    },
    initProgress(resourceId: string) {
      checkId(resourceId);
      return change(resourceId, { kind: 'init' });
    },
    async getProgress(resourceId: string) {
      const [snapshot] = await getProgressMany([resourceId]);
      return snapshot as ResourceProgress;
    },
    getProgressMany,
    async clearProgress(resourceId: string) {
      checkId(resourceId);
      await store.remove(resourceId);
    },
    watchProgress,
    async close() {
      await Promise.allSettled([...persistChains.values()]);
      await store.close();
    },
  };
}

function checkId(resourceId: string): void {
  if (typeof resourceId !== 'string' || resourceId === '') throw new TypeError('resourceId must be a non-empty string');
}

/** Error code and message only: ioredis errors can carry the command arguments. */
function errorSummary(err: unknown): { code?: string; message: string } {
  const e = err as { code?: string; message?: string };
  return { code: e?.code, message: String(e?.message ?? err) };
}
