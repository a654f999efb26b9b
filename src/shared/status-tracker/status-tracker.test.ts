import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  memoryLogger,
  memoryPersistence,
  producesWithin,
  take,
  type MemoryPersistence,
} from '../../../test/support/progress.js';
import { testRedisUrl, uniqueId } from '../../../test/support/services.js';
import { openRedis } from '../redis/index.js';
import {
  createInProcessStatusTracking,
  createRedisStatusTracking,
  type StatusTracking,
} from './open-status-tracking.js';
import { PROCESSING_STAGES, type ResourceProgress } from './types.js';

interface Fixture {
  tracking: StatusTracking;
  persistence: MemoryPersistence;
  lines: Array<Record<string, unknown>>;
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const IMPLEMENTATIONS: Array<[string, () => Fixture]> = [
  [
    'redis',
    () => {
      const { logger, lines } = memoryLogger();
      const persistence = memoryPersistence();
      const conn = openRedis({ url: testRedisUrl(), name: 'test:progress', logger });
      const tracking = createRedisStatusTracking({
        url: testRedisUrl(),
        redis: conn.client,
        keyPrefix: `${uniqueId('progress')}:`,
        ttlSeconds: 60,
        persistence,
        logger,
      });
      closers.push(
        () => conn.close(),
        () => tracking.close(),
      );
      return { tracking, persistence, lines };
    },
  ],
  [
    'in-process',
    () => {
      const { logger, lines } = memoryLogger();
      const persistence = memoryPersistence();
      const tracking = createInProcessStatusTracking({ ttlSeconds: 60, persistence, logger });
      closers.push(() => tracking.close());
      return { tracking, persistence, lines };
    },
  ],
];

const statuses = (p: ResourceProgress) => p.stages.map((s) => s.status);

describe.each(IMPLEMENTATIONS)('%s status tracker', (_name, make) => {
  const { tracking, persistence, lines } = make();
  const { tracker } = tracking;

  it('markInterrupted shows stages a gone run left PROCESSING as PENDING with the reason, and publishes it', async () => {
    const id = randomUUID();
    await tracker.initProgress(id);
    await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    const running = await tracker.setProgress(id, 'EMBEDDING', 'PROCESSING');
    // The snapshot arrives once the subscription is confirmed, so the change below cannot be missed.
    const watch = tracker.watchProgress(id);
    expect((await watch.next()).value).toMatchObject({ version: running.version });
    const next = watch.next();
    const changed = await tracker.markInterrupted(id, {
      reason: 'worker stopped; waiting',
      ifVersion: running.version,
    });
    expect(statuses(changed!)).toEqual(['COMPLETED', 'PENDING', 'PENDING', 'PENDING', 'PENDING']);
    expect(changed!.stages[1]).toMatchObject({ error: 'worker stopped; waiting', attempt: 1, startedAt: null });
    expect(changed!.version).toBeGreaterThan(running.version);
    expect((await next).value).toMatchObject({ version: changed!.version });
    await watch.return?.();
    expect(await tracker.getProgress(id)).toMatchObject({ version: changed!.version });
    // Nothing left PROCESSING, an outdated version, or no live record at all: nothing changes.
    expect(await tracker.markInterrupted(id, { reason: 'again' })).toBeNull();
    const again = await tracker.setProgress(id, 'EMBEDDING', 'PROCESSING');
    expect(await tracker.markInterrupted(id, { reason: 'late', ifVersion: running.version })).toBeNull();
    expect((await tracker.getProgress(id)).version).toBe(again.version);
    expect(await tracker.markInterrupted(randomUUID(), { reason: 'none' })).toBeNull();
    await expect(tracker.markInterrupted(id, { reason: ' ' })).rejects.toBeInstanceOf(TypeError);
  });

  it('records a stage atomically, stamps times and returns the summarised snapshot', async () => {
    const id = randomUUID();
    const init = await tracker.initProgress(id);
    expect(init).toMatchObject({ resourceId: id, overallStatus: 'PENDING', percent: 0 });
    const running = await tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    expect(running.overallStatus).toBe('PROCESSING');
    expect(running.stages[0]).toMatchObject({ stage: 'INGESTION', status: 'PROCESSING', attempt: 1, finishedAt: null });
    expect(running.stages[0]!.startedAt).toBeInstanceOf(Date);
    const done = await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    expect(done).toMatchObject({ overallStatus: 'PROCESSING', percent: 20 });
    expect(done.stages[0]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.stages[0]!.startedAt!.getTime());
    expect(done.version).toBeGreaterThan(running.version);
    expect(await tracker.getProgress(id)).toEqual(done);
  });

  it('lists all five stages in execution order and reports a failure with its reason', async () => {
    const id = randomUUID();
    await tracker.setProgress(id, 'EMBEDDING', 'FAILED', { error: 'model not found', attempt: 3 });
    const p = await tracker.getProgress(id);
    expect(p.stages.map((s) => s.stage)).toEqual([...PROCESSING_STAGES]);
    expect(p).toMatchObject({ overallStatus: 'FAILED', error: 'model not found' });
    expect(p.stages[1]).toMatchObject({ stage: 'EMBEDDING', attempt: 3, error: 'model not found' });
  });

  it('reaches COMPLETED only when all five stages completed', async () => {
    const id = randomUUID();
    let last: ResourceProgress | undefined;
    for (const stage of PROCESSING_STAGES) {
      expect(last?.overallStatus ?? 'PENDING').not.toBe('COMPLETED');
      await tracker.setProgress(id, stage, 'PROCESSING');
      last = await tracker.setProgress(id, stage, 'COMPLETED');
    }
    expect(last).toMatchObject({ overallStatus: 'COMPLETED', percent: 100, error: null });
  });

  it('stores init and every terminal change on the resource row, not PROCESSING', async () => {
    const id = randomUUID();
    await tracker.initProgress(id);
    await tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    await tracker.setProgress(id, 'EMBEDDING', 'PROCESSING');
    await tracker.setProgress(id, 'EMBEDDING', 'FAILED', { error: 'boom' });
    const calls = persistence.calls.filter((c) => c.resourceId === id);
    expect(calls.map((c) => c.overallStatus)).toEqual(['PENDING', 'PROCESSING', 'FAILED']);
    expect(statuses(persistence.rows.get(id)!)).toEqual(['COMPLETED', 'FAILED', 'PENDING', 'PENDING', 'PENDING']);
  });

  it('a failing database does not fail setProgress (logged instead)', async () => {
    const id = randomUUID();
    persistence.failWith = new Error('database down');
    try {
      await expect(tracker.setProgress(id, 'INGESTION', 'COMPLETED')).resolves.toMatchObject({ percent: 20 });
    } finally {
      persistence.failWith = null;
    }
    expect(lines.some((l) => l.msg === 'could not store progress on the resource row')).toBe(true);
  });

  it('without a live record serves the row state, else all PENDING, and warns', async () => {
    const stored = randomUUID();
    await tracker.setProgress(stored, 'INGESTION', 'COMPLETED');
    await tracker.clearProgress(stored);
    expect(statuses(await tracker.getProgress(stored))).toEqual([
      'COMPLETED',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
    persistence.rows.delete(stored);
    const none = await tracker.getProgress(stored);
    expect(none).toMatchObject({ overallStatus: 'PENDING', percent: 0, version: 0 });
    expect(lines.some((l) => String(l.msg).startsWith('no live progress record'))).toBe(true);
  });

  it('getProgressMany answers in input order with the same fallbacks', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const c = randomUUID();
    await tracker.setProgress(a, 'GRAPH', 'COMPLETED');
    persistence.rows.set(c, { ...(await tracker.setProgress(c, 'QUALITY', 'FAILED')), resourceId: c });
    await tracker.clearProgress(c);
    const [pc, pb, pa] = await tracker.getProgressMany([c, b, a]);
    expect(pa?.stages[4]?.status).toBe('COMPLETED');
    expect(pb?.overallStatus).toBe('PENDING');
    expect(pc?.overallStatus).toBe('FAILED');
    expect(await tracker.getProgressMany([])).toEqual([]);
  });

  it('watchProgress yields the current snapshot, then every change in order, without duplicates', async () => {
    const id = randomUUID();
    await tracker.initProgress(id);
    await tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    const watch = tracker.watchProgress(id);
    const [snapshot] = await take(watch, 1);
    expect(snapshot?.stages[0]?.status).toBe('PROCESSING');
    await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    await tracker.setProgress(id, 'EMBEDDING', 'PROCESSING');
    await tracker.setProgress(id, 'EMBEDDING', 'COMPLETED');
    const updates = await take(watch, 3);
    expect(updates.map((u) => u.percent)).toEqual([20, 20, 40]);
    expect(updates.map((u) => u.stages[1]?.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    const versions = [snapshot!, ...updates].map((u) => u.version);
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    await watch.return!();
    await tracker.setProgress(id, 'QUALITY', 'PROCESSING');
    expect(await producesWithin(watch, 100)).toBe(false);
  });

  it('watchProgress never skips or repeats while changes race the subscription', async () => {
    const id = randomUUID();
    const writer = (async () => {
      for (let i = 0; i < 30; i++)
        await tracker.setProgress(id, PROCESSING_STAGES[i % 5]!, i % 2 ? 'COMPLETED' : 'PROCESSING');
    })();
    await new Promise((r) => setTimeout(r, 2));
    const watch = tracker.watchProgress(id);
    const seen: ResourceProgress[] = [];
    await writer;
    const finalVersion = (await tracker.getProgress(id)).version;
    while (seen.at(-1)?.version !== finalVersion) seen.push(...(await take(watch, 1)));
    await watch.return!();
    const versions = seen.map((s) => s.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(seen.at(-1)).toEqual(await tracker.getProgress(id));
  });

  it('watchProgress: return() ends it while a next() is waiting', async () => {
    const id = randomUUID();
    await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    const updates = tracker.watchProgress(id);
    await expect(updates.next()).resolves.toMatchObject({ done: false });
    const waiting = updates.next();
    await updates.return!();
    await expect(waiting).resolves.toMatchObject({ done: true });
  });

  it('refuses wiring mistakes with TypeError', async () => {
    await expect(tracker.setProgress(randomUUID(), 'NOPE' as never, 'COMPLETED')).rejects.toBeInstanceOf(TypeError);
    await expect(tracker.setProgress(randomUUID(), 'GRAPH', 'DONE' as never)).rejects.toBeInstanceOf(TypeError);
    await expect(tracker.setProgress(randomUUID(), 'GRAPH', 'PROCESSING', { attempt: -1 })).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(tracker.getProgress('')).rejects.toBeInstanceOf(TypeError);
  });
});
