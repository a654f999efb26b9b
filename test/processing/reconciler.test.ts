/**
 * Issue 10 items 5 and 9 against real PostgreSQL and Redis: the reconciler re-queues resources whose job
 * is gone, brings rows behind their live record up to date, runs once at a time across processes, and a
 * job handed back by stall detection shows PENDING with a reason until a worker takes it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabase, type DatabaseHandle } from '../../src/shared/database/index.js';
import { createLogger } from '../../src/shared/logger.js';
import {
  createBeeJobQueue,
  createRedisClusterLock,
  type ProcessingQueue,
  type ProcessResourceHandler,
} from '../../src/shared/queue/index.js';
import { openRedis, type Redis } from '../../src/shared/redis/index.js';
import { createRedisStatusTracking, type StatusTracker } from '../../src/shared/status-tracker/index.js';
import { createReconciler, STALLED_REASON, LOST_JOB_REASON } from '../../src/modules/processing/index.js';
import { createProgressPersistence } from '../../src/modules/resources/progress/index.js';
import { createTestPostgresDatabase, registerCleanup, testRedisUrl, uniqueId } from '../support/services.js';

const logger = createLogger({ level: 'silent' });
let db: DatabaseHandle;
let redis: Redis;
let ownerId: string;

beforeAll(async () => {
  const { url } = await createTestPostgresDatabase();
  await applyMigrations({ url });
  db = createDatabase({ url, poolMin: 0, poolMax: 4 });
  registerCleanup(() => db.close());
  const conn = openRedis({ url: testRedisUrl(), name: 'test:reconciler', logger });
  registerCleanup(() => conn.close());
  redis = conn.client;
  ownerId = (await db.prisma.user.create({ data: { email: `${randomUUID()}@example.test` } })).id;
});

/** One "process": its own queue (worker or not), a tracker persisting to the row, all on one test prefix. */
function setup(prefix: string, opts: { worker?: boolean; persist?: boolean } = {}) {
  const queue = createBeeJobQueue({
    redisUrl: testRedisUrl(),
    prefix: `${prefix}:queue`,
    worker: opts.worker ?? false,
    stallIntervalMs: 400,
    retryPolicy: { retries: 1, backoffBaseMs: 100 },
    logger,
  });
  registerCleanup(() => queue.close());
  const tracking = createRedisStatusTracking({
    url: testRedisUrl(),
    redis,
    keyPrefix: `${prefix}:progress:`,
    ttlSeconds: 600,
    persistence: opts.persist === false ? null : createProgressPersistence(db.prisma),
    logger,
  });
  registerCleanup(() => tracking.close());
  const reconciler = (intervalMs = 600_000) => {
    const r = createReconciler({
      db: db.prisma,
      queue,
      tracker: tracking.tracker,
      lock: createRedisClusterLock({ redis, key: `${prefix}:lock:reconciler` }),
      intervalMs,
      logger,
    });
    registerCleanup(() => r.stop());
    return r;
  };
  return { queue, tracker: tracking.tracker, reconciler };
}

async function createResource(tracker: StatusTracker): Promise<string> {
  const row = await db.prisma.resource.create({ data: { ownerId, content: 'text' } });
  await tracker.initProgress(row.id);
  return row.id;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

/** Keeps the reconciler's findMany to this test's rows: other tests' rows are finished by then. */
async function finishAllOtherRows(keep: string[]): Promise<void> {
  await db.prisma.resource.updateMany({ where: { id: { notIn: keep } }, data: { overallStatus: 'COMPLETED' } });
}

describe('reconciler', () => {
  it('re-queues a PENDING resource whose job is gone (Redis lost it), showing the lost stage as waiting', async () => {
    const prefix = uniqueId('rec');
    const p = setup(prefix);
    const id = await createResource(p.tracker);
    await finishAllOtherRows([id]);
    // A worker was in INGESTION when Redis lost the queue's data: the row says PENDING, no job exists.
    await p.tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    expect(await p.queue.jobState(id)).toBe('missing');

    const rec = p.reconciler();
    expect(await rec.runOnce()).toBe(1);
    expect(await p.queue.jobState(id)).toBe('waiting');
    const progress = await p.tracker.getProgress(id);
    expect(progress.stages[0]).toMatchObject({ stage: 'INGESTION', status: 'PENDING', error: LOST_JOB_REASON });
    // Nothing is duplicated on the next pass: the job exists now.
    await rec.stop();
    expect(await p.reconciler().runOnce()).toBe(0);
  });

  it('runs one pass at a time across processes (Redis lease)', async () => {
    const prefix = uniqueId('rec');
    const a = setup(prefix);
    const b = setup(prefix);
    const id = await createResource(a.tracker);
    await finishAllOtherRows([id]);
    const ra = a.reconciler();
    const rb = b.reconciler();
    expect(await ra.runOnce()).toBe(1);
    // B's pass while A holds the lease does nothing, even though A's job could have been lost again.
    await redis.del(`${prefix}:queue:process-resource:jobs`, `${prefix}:queue:process-resource:waiting`);
    expect(await rb.runOnce()).toBe(0);
    expect(await b.queue.jobState(id)).toBe('missing');
    // A stops and gives the lease up: B takes over.
    await ra.stop();
    expect(await rb.runOnce()).toBe(1);
  });

  it('copies a live final state onto a row that missed it (database outage during the write)', async () => {
    const prefix = uniqueId('rec');
    const withRow = setup(prefix);
    const id = await createResource(withRow.tracker);
    await finishAllOtherRows([id]);
    // The worker's tracker could not write the row: its record says COMPLETED, the row still PENDING.
    const noRow = setup(prefix, { persist: false });
    for (const stage of ['INGESTION', 'EMBEDDING', 'QUALITY', 'TAXONOMY', 'GRAPH'] as const)
      await noRow.tracker.setProgress(id, stage, 'COMPLETED');
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id } })).overallStatus).toBe('PENDING');

    expect(await withRow.reconciler().runOnce()).toBe(0);
    const row = await db.prisma.resource.findUniqueOrThrow({ where: { id } });
    expect(row.overallStatus).toBe('COMPLETED');
    expect(JSON.parse(row.stageState!).stages.map((s: { status: string }) => s.status)).toEqual(
      Array(5).fill('COMPLETED'),
    );
    expect(await withRow.queue.jobState(id)).toBe('missing');
  });

  it('passes by itself every interval, and not after stop()', async () => {
    const prefix = uniqueId('rec');
    const p = setup(prefix);
    const rec = p.reconciler(200);
    const id = await createResource(p.tracker);
    await finishAllOtherRows([id]);
    await until(async () => (await p.queue.jobState(id)) === 'waiting', 3_000);
    await rec.stop();
    await redis.del(`${prefix}:queue:process-resource:jobs`, `${prefix}:queue:process-resource:waiting`);
    await sleep(600);
    expect(await p.queue.jobState(id)).toBe('missing');
  });

  it('refuses bad wiring', () => {
    const p = setup(uniqueId('rec'));
    expect(() =>
      createReconciler({
        db: db.prisma,
        queue: p.queue,
        tracker: p.tracker,
        lock: createRedisClusterLock({ redis, key: 'k' }),
        intervalMs: 0,
        logger,
      }),
    ).toThrow(TypeError);
  });
});

describe('a job whose worker stopped', () => {
  it('shows PENDING with a reason while it waits, then runs on another worker', async () => {
    const prefix = uniqueId('stall');
    const first = setup(prefix, { worker: true });
    const id = await createResource(first.tracker);
    await finishAllOtherRows([id]);
    let firstStarted = false;
    // Never returns while the test runs (a hung or dead worker); released at cleanup.
    let releaseFirst!: () => void;
    const hang = new Promise<void>((resolve) => (releaseFirst = resolve));
    registerCleanup(() => releaseFirst());
    const c1 = first.queue.processJobs(
      async (job) => {
        await first.tracker.setProgress(job.resourceId, 'INGESTION', 'COMPLETED');
        await first.tracker.setProgress(job.resourceId, 'EMBEDDING', 'PROCESSING');
        firstStarted = true;
        await hang;
      },
      { concurrency: 1 },
    );
    await first.queue.enqueueProcessResource({ resourceId: id });
    await until(() => firstStarted);
    // The first worker dies mid-stage: nothing renews its lock any more.
    await c1.stop(10);

    // A second worker is busy with another job, so it finds the stall but cannot take the job yet.
    const second = setup(prefix, { worker: true });
    second.reconciler(); // subscribes to the second queue's stalled jobs
    let releaseBlocker!: () => void;
    const blocker = new Promise<void>((resolve) => (releaseBlocker = resolve));
    const ran: string[] = [];
    const handler: ProcessResourceHandler = async (job) => {
      if (job.resourceId === 'blocker') return blocker;
      ran.push(job.resourceId);
      await second.tracker.setProgress(job.resourceId, 'EMBEDDING', 'PROCESSING');
    };
    (second.queue as ProcessingQueue).processJobs(handler, { concurrency: 1 });
    await second.queue.enqueueProcessResource({ resourceId: 'blocker' });
    await until(async () => (await second.queue.jobState('blocker')) === 'active');

    await until(async () => (await second.tracker.getProgress(id)).stages[1]!.status === 'PENDING', 8_000);
    const waiting = await second.tracker.getProgress(id);
    expect(await second.queue.jobState(id)).toBe('waiting');
    expect(waiting.stages[0]).toMatchObject({ stage: 'INGESTION', status: 'COMPLETED' });
    expect(waiting.stages[1]).toMatchObject({ stage: 'EMBEDDING', status: 'PENDING', error: STALLED_REASON });
    expect(waiting.stages.some((s) => s.status === 'PROCESSING')).toBe(false);

    releaseBlocker();
    await until(() => ran.includes(id));
    await until(async () => (await second.tracker.getProgress(id)).stages[1]!.status === 'PROCESSING');
    expect((await second.tracker.getProgress(id)).stages[1]!.error).toBeNull();
  }, 20_000);

  it('a waiting job left PROCESSING is reset by the reconciler pass too', async () => {
    const prefix = uniqueId('stall');
    const p = setup(prefix);
    const id = await createResource(p.tracker);
    await finishAllOtherRows([id]);
    await p.queue.enqueueProcessResource({ resourceId: id });
    await p.tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    expect(await p.reconciler().runOnce()).toBe(0);
    expect((await p.tracker.getProgress(id)).stages[0]).toMatchObject({ status: 'PENDING', error: STALLED_REASON });
  });
});
