import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCleanup, startExtraRedis, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../logger.js';
import { createBeeJobQueue } from './bee-job-queue.js';

const logger = createLogger({ level: 'silent' });
const opened: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of opened.reverse()) await close().catch(() => undefined);
});

describe('bee-queue delayed (retrying) jobs', () => {
  it('still run when raising them failed once with a refused write (Redis LOADING/NOREPLICAS after a restart)', async () => {
    // A server of its own: CONFIG SET min-replicas-to-write would refuse writes of parallel tests.
    const redis = await startExtraRedis();
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    registerCleanup(() => admin.quit().catch(() => admin.disconnect()));
    const prefix = uniqueId('delayed');
    const queue = createBeeJobQueue({
      redisUrl: redis.url,
      prefix,
      worker: true,
      stallIntervalMs: 1_000,
      retryPolicy: { retries: 1, backoffBaseMs: 1_000 },
      logger,
    });
    opened.push(() => queue.close());
    const attempts: number[] = [];
    const consumer = queue.processJobs(
      async (_job, context) => {
        attempts.push(context.attempt);
        if (context.attempt === 1) throw new Error('first attempt fails');
      },
      { concurrency: 1 },
    );
    opened.push(() => consumer.stop(1_000));
    await queue.enqueueProcessResource({ resourceId: uniqueId('r') });
    // Once the retry waits in the delayed set (due in 1 s), Redis refuses writes until after it is due:
    // the raise its timer triggers fails with NOREPLICAS, and bee-queue never reschedules that timer.
    const delayedKey = `${prefix}:process-resource:delayed`;
    const deadline = Date.now() + 5_000;
    while ((await admin.zcard(delayedKey)) === 0 && Date.now() < deadline) await sleep(10);
    expect(await admin.zcard(delayedKey)).toBe(1);
    await admin.config('SET', 'min-replicas-to-write', '1');
    await sleep(1_800);
    expect(attempts).toEqual([1]);
    await admin.config('SET', 'min-replicas-to-write', '0');
    const until = Date.now() + 8_000;
    while (attempts.length < 2 && Date.now() < until) await sleep(50);
    expect(attempts).toEqual([1, 2]);
  }, 30_000);
});
