import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCleanup, startExtraRedis, testRedisUrl, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../logger.js';
import { createBeeJobQueue } from './bee-job-queue.js';
import { isNoScriptError } from './bee-queue-scripts.js';
import type { ProcessingQueue } from './types.js';

const logger = createLogger({ level: 'silent' });
const policy = { retries: 2, backoffBaseMs: 100 };
const opened: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of opened.reverse()) await close().catch(() => undefined);
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function open(redisUrl: string, prefix: string, worker: boolean): ProcessingQueue {
  const q = createBeeJobQueue({ redisUrl, prefix, worker, stallIntervalMs: 400, retryPolicy: policy, logger });
  opened.push(() => q.close());
  return q;
}

function admin(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  registerCleanup(() => r.quit().catch(() => r.disconnect()));
  return r;
}

describe('bee-queue after Redis lost its script cache (bee-queue #489)', () => {
  it('keeps enqueueing and processing after SCRIPT FLUSH, and the health ping stays up', async () => {
    // A server of its own: SCRIPT FLUSH on the shared one would disturb parallel tests.
    const redis = await startExtraRedis();
    const prefix = uniqueId('bq');
    const producer = open(redis.url, prefix, false);
    const worker = open(redis.url, prefix, true);
    const done: string[] = [];
    worker.processJobs(async (job) => void done.push(job.resourceId), { concurrency: 1 });
    await producer.enqueueProcessResource({ resourceId: 'before' });
    await until(() => done.includes('before'));

    await admin(redis.url).script('FLUSH');
    await producer.ping();
    await admin(redis.url).script('FLUSH');
    await producer.enqueueProcessResource({ resourceId: 'after-flush' });
    await until(() => done.includes('after-flush'));
    expect(done).toEqual(['before', 'after-flush']);
  });

  it('retries with backoff (delayed activation script) after SCRIPT FLUSH', async () => {
    const redis = await startExtraRedis();
    const prefix = uniqueId('bq');
    const worker = open(redis.url, prefix, true);
    const attempts: number[] = [];
    worker.processJobs(
      async (_job, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) throw Object.assign(new Error('blip'), { code: 'ECONNRESET' });
      },
      { concurrency: 1 },
    );
    await worker.enqueueProcessResource({ resourceId: 'r' });
    await until(() => attempts.length === 1);
    await admin(redis.url).script('FLUSH');
    await until(() => attempts.length === 2, 8_000);
    expect(attempts).toEqual([1, 2]);
  });

  it('keeps working after a Redis restart without persistence, without restarting the process', async () => {
    const redis = await startExtraRedis();
    const prefix = uniqueId('bq');
    const producer = open(redis.url, prefix, false);
    const worker = open(redis.url, prefix, true);
    const done: string[] = [];
    worker.processJobs(async (job) => void done.push(job.resourceId), { concurrency: 1 });
    await producer.enqueueProcessResource({ resourceId: 'one' });
    await until(() => done.includes('one'));

    await redis.stop();
    await expect(producer.ping()).rejects.toThrow();
    await redis.start();
    // node_redis reconnects on its own (backoff); the first save after that meets an empty script cache.
    await until(
      () =>
        producer.ping().then(
          () => true,
          () => false,
        ),
      15_000,
    );
    await producer.enqueueProcessResource({ resourceId: 'two' });
    await until(() => done.includes('two'), 15_000);
    expect(done).toEqual(['one', 'two']);
  }, 40_000);

  it('ping fails when Redis refuses writes, so health reports the queue down', async () => {
    const redis = await startExtraRedis();
    const producer = open(redis.url, uniqueId('bq'), false);
    await producer.ping();
    const r = admin(redis.url);
    // A replica of a server that is not there: Redis answers PING but refuses every write (READONLY).
    await r.replicaof('127.0.0.1', 1);
    await expect(producer.enqueueProcessResource({ resourceId: 'x' })).rejects.toThrow();
    await expect(producer.ping()).rejects.toThrow();
    await r.replicaof('NO', 'ONE');
    await producer.ping();
  });

  it('reports where a job is', async () => {
    const prefix = uniqueId('bq');
    const producer = open(testRedisUrl(), prefix, false);
    expect(await producer.jobState('nope')).toBe('missing');
    await producer.enqueueProcessResource({ resourceId: 'w' });
    expect(await producer.jobState('w')).toBe('waiting');
    const worker = open(testRedisUrl(), prefix, true);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let attempt = 0;
    worker.processJobs(
      async () => {
        attempt++;
        if (attempt === 1) await gate;
        if (attempt === 1) throw Object.assign(new Error('blip'), { code: 'ECONNRESET' });
      },
      { concurrency: 1 },
    );
    await until(async () => (await producer.jobState('w')) === 'active');
    release();
    await until(async () => (await producer.jobState('w')) === 'delayed');
    await until(async () => (await producer.jobState('w')) === 'missing');
    expect(attempt).toBe(2);
  });
});

describe('isNoScriptError', () => {
  it('reads the reply code, not the message', () => {
    expect(isNoScriptError(Object.assign(new Error('NOSCRIPT No matching script.'), { code: 'NOSCRIPT' }))).toBe(true);
    expect(isNoScriptError(new Error('NOSCRIPT No matching script.'))).toBe(false);
    expect(isNoScriptError(null)).toBe(false);
  });
});
