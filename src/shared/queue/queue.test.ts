import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../logger.js';
import { createBeeJobQueue } from './bee-job-queue.js';
import { createInProcessJobQueue } from './in-process-job-queue.js';
import type { JobContext, ProcessingQueue, ProcessResourceJob } from './types.js';

const logger = createLogger({ level: 'silent' });
const policy = { retries: 3, backoffBaseMs: 50 };
const opened: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of opened.reverse()) await close().catch(() => undefined);
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

type Factory = () => { producer: ProcessingQueue; worker: () => ProcessingQueue };

const implementations: Array<[string, Factory]> = [
  [
    'in-process',
    () => {
      const q = createInProcessJobQueue({ retryPolicy: policy, logger });
      opened.push(() => q.close());
      return { producer: q, worker: () => q };
    },
  ],
  [
    'bee-queue',
    () => {
      const prefix = uniqueId('bq');
      const make = (worker: boolean) => {
        const q = createBeeJobQueue({
          redisUrl: testRedisUrl(),
          prefix,
          worker,
          stallIntervalMs: 500,
          retryPolicy: policy,
          logger,
        });
        opened.push(() => q.close());
        return q;
      };
      return { producer: make(false), worker: () => make(true) };
    },
  ],
];

describe.each(implementations)('%s queue', (_name, factory) => {
  it('runs a job once even when enqueued repeatedly, with attempt 1 of 4', async () => {
    const { producer, worker } = factory();
    const seen: Array<[ProcessResourceJob, JobContext]> = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const w = worker();
    w.processJobs(
      async (job, ctx) => {
        seen.push([job, ctx]);
        await gate;
      },
      { concurrency: 2 },
    );
    await producer.enqueueProcessResource({ resourceId: 'r1' });
    await producer.enqueueProcessResource({ resourceId: 'r1' });
    await until(() => seen.length === 1);
    await producer.enqueueProcessResource({ resourceId: 'r1' });
    release();
    await sleep(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toEqual({ resourceId: 'r1' });
    expect(seen[0]![1]).toMatchObject({ jobId: 'r1', attempt: 1, maxAttempts: 4 });
    await producer.ping();
  });

  it('retries a failing job with exponential backoff, then succeeds', async () => {
    const { producer, worker } = factory();
    const attempts: Array<{ attempt: number; at: number }> = [];
    worker().processJobs(
      async (_job, ctx) => {
        attempts.push({ attempt: ctx.attempt, at: Date.now() });
        if (ctx.attempt < 3) throw Object.assign(new Error('blip'), { code: 'ECONNRESET' });
      },
      { concurrency: 1 },
    );
    await producer.enqueueProcessResource({ resourceId: 'r2' });
    await until(() => attempts.length === 3);
    await sleep(300);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(45);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(95);
  });

  it('gives up after 3 retries and accepts the resource again afterwards', async () => {
    const { producer, worker } = factory();
    const attempts: number[] = [];
    worker().processJobs(
      async (job, ctx) => {
        attempts.push(ctx.attempt);
        if (job.generation === undefined) throw new Error('always');
      },
      { concurrency: 1 },
    );
    await producer.enqueueProcessResource({ resourceId: 'r3' });
    await until(() => attempts.length === 4);
    await sleep(600);
    expect(attempts).toEqual([1, 2, 3, 4]);
    await producer.enqueueProcessResource({ resourceId: 'r3', generation: 1 });
    await until(() => attempts.length === 5);
  });

  it('runs a re-run requested while the job runs once more after it, never concurrently', async () => {
    const { producer, worker } = factory();
    const runs: Array<number | undefined> = [];
    let active = 0;
    let maxActive = 0;
    worker().processJobs(
      async (job) => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs.push(job.generation);
        await sleep(150);
        active--;
      },
      { concurrency: 4 },
    );
    await producer.enqueueProcessResource({ resourceId: 'r4' });
    await until(() => runs.length === 1);
    await producer.enqueueProcessResource({ resourceId: 'r4', generation: 7 });
    await producer.enqueueProcessResource({ resourceId: 'r4', generation: 8 });
    await until(() => runs.length === 2);
    await sleep(400);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toBeGreaterThanOrEqual(7);
    expect(maxActive).toBe(1);
  });

  it('drains running jobs on stop, or aborts them when the timeout passes', async () => {
    const { producer, worker } = factory();
    const finished: string[] = [];
    let aborted = false;
    const consumer = worker().processJobs(
      async (job, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        await sleep(job.resourceId === 'slow' ? 2_000 : 200);
        finished.push(job.resourceId);
      },
      { concurrency: 2 },
    );
    await producer.enqueueProcessResource({ resourceId: 'quick' });
    await sleep(50);
    expect(await consumer.stop(2_000)).toEqual({ drained: true });
    expect(finished).toEqual(['quick']);

    const second = factory();
    const c2 = second.worker().processJobs(
      async (_job, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        await sleep(2_000);
      },
      { concurrency: 1 },
    );
    await second.producer.enqueueProcessResource({ resourceId: 'slow' });
    await sleep(150);
    expect(await c2.stop(200)).toEqual({ drained: false });
    expect(aborted).toBe(true);
  });

  it('refuses bad wiring', () => {
    const { worker } = factory();
    const w = worker();
    expect(() => w.processJobs(async () => undefined, { concurrency: 0 })).toThrow(TypeError);
    w.processJobs(async () => undefined, { concurrency: 1 });
    expect(() => w.processJobs(async () => undefined, { concurrency: 1 })).toThrow(TypeError);
  });
});

describe('bee-queue stall detection', () => {
  it('hands a job held by a worker that stopped renewing its lock to another worker', async () => {
    const prefix = uniqueId('bq');
    const make = () => {
      const q = createBeeJobQueue({
        redisUrl: testRedisUrl(),
        prefix,
        worker: true,
        stallIntervalMs: 300,
        retryPolicy: policy,
        logger,
      });
      opened.push(() => q.close());
      return q;
    };
    const first = make();
    let firstStarted = false;
    const c1 = first.processJobs(
      async () => {
        firstStarted = true;
        await sleep(60_000);
      },
      { concurrency: 1 },
    );
    await first.enqueueProcessResource({ resourceId: 'stuck' });
    await until(() => firstStarted);
    // The first worker goes away without finishing (its lock is no longer renewed).
    await c1.stop(10);
    const done: JobContext[] = [];
    make().processJobs(async (_job, ctx) => void done.push(ctx), { concurrency: 1 });
    await until(() => done.length === 1, 8_000);
    expect(done[0]!.jobId).toBe('stuck');
  });
});
