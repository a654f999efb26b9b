// Status tracker (issue 5): 10,000 resources tracked at once, 5 updates each, against loopback Redis.
// setProgress = one EVALSHA (atomic Lua: update + TTL + publish); getProgress = one HGETALL.
// Baseline in the same run: a bare HSET round trip on the same connection. Also the in-process tracker,
// and Redis memory per tracked resource (INFO used_memory delta ÷ resources, and MEMORY USAGE of one key).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../src/shared/logger.js';
import {
  createInProcessStatusTracking,
  createRedisStatusTracking,
  PROCESSING_STAGES,
  type StatusTracker,
} from '../src/shared/status-tracker/index.js';
import { printTable, stats } from './lib.js';
import { since, startBenchRedis } from './progress-lib.js';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const logger = createLogger({ level: 'silent' });

/** Runs `fn(i)` for i in [0, n) with `concurrency` in flight; returns per-call latencies (ms) and total seconds. */
async function timed(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = new Array<number>(n);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        samples[i] = since(t);
      }
    }),
  );
  return { samples, seconds: since(t0) / 1000 };
}

function row(name: string, r: { samples: number[]; seconds: number }, baselineP50?: number) {
  const s = stats(r.samples);
  return {
    operation: name,
    calls: s.count,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'max ms': s.max,
    'ops/s': Math.round(s.count / r.seconds),
    'p50 ÷ baseline': baselineP50 ? s.p50 / baselineP50 : 1,
  };
}

async function runTracker(
  tracker: StatusTracker,
  ids: string[],
  concurrency: number,
  label: string,
  baselineP50?: number,
) {
  const rows = [];
  // Seed: every resource starts tracked (initProgress, as createResource does).
  rows.push(
    row(
      `${label} initProgress (seed)`,
      await timed(ids.length, concurrency, (i) => tracker.initProgress(ids[i]!)),
      baselineP50,
    ),
  );
  // 5 updates per resource, interleaved across resources like concurrent workers.
  const updates = ids.length * 5;
  rows.push(
    row(
      `${label} setProgress`,
      await timed(updates, concurrency, (k) => {
        const id = ids[k % ids.length]!;
        const stage = PROCESSING_STAGES[Math.floor(k / ids.length)]!;
        return tracker.setProgress(id, stage, 'COMPLETED');
      }),
      baselineP50,
    ),
  );
  rows.push(
    row(`${label} getProgress`, await timed(ids.length, concurrency, (i) => tracker.getProgress(ids[i]!)), baselineP50),
  );
  const batches = Math.ceil(ids.length / 100);
  rows.push(
    row(
      `${label} getProgressMany(100)`,
      await timed(batches, Math.min(concurrency, batches), (b) =>
        tracker.getProgressMany(ids.slice(b * 100, b * 100 + 100)),
      ),
      baselineP50,
    ),
  );
  return rows;
}

const redisServer = await startBenchRedis();
const redis = new Redis(redisServer.url);
try {
  const ids = Array.from({ length: RESOURCES }, () => randomUUID());
  const prefix = 'bench:progress:';
  const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);

  // Baseline: a bare HSET round trip, same connection, same concurrency.
  const baseline = await timed(RESOURCES, CONCURRENCY, (i) => redis.hset(`bench:baseline:${i}`, 'f', 'v'));
  const baselineSequential = await timed(2_000, 1, (i) => redis.hset(`bench:baseline:${i}`, 'f', 'v'));
  await redis.del(...Array.from({ length: RESOURCES }, (_, i) => `bench:baseline:${i}`));
  const memoryBase = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);

  const tracking = createRedisStatusTracking({
    url: redisServer.url,
    redis,
    keyPrefix: prefix,
    ttlSeconds: 86_400,
    persistence: null,
    logger,
  });
  const rows = [row('baseline HSET', baseline), row('baseline HSET (1 in flight)', baselineSequential)];
  rows.push(...(await runTracker(tracking.tracker, ids, CONCURRENCY, 'redis', stats(baseline.samples).p50)));
  const memoryAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  const oneKey = Number(await redis.call('MEMORY', 'USAGE', `${prefix}${ids[0]}`));
  const encoding = await redis.object('ENCODING', `${prefix}${ids[0]}`);
  // Latency without queueing: one call in flight.
  const seqIds = ids.slice(0, 1_000);
  rows.push(
    ...(await runTracker(tracking.tracker, seqIds, 1, 'redis 1-in-flight', stats(baselineSequential.samples).p50)),
  );
  await tracking.close();

  const inProcess = createInProcessStatusTracking({ ttlSeconds: 86_400, persistence: null, logger });
  rows.push(...(await runTracker(inProcess.tracker, ids, CONCURRENCY, 'in-process')));
  await inProcess.close();

  printTable(
    `status tracker: ${RESOURCES} resources × 5 updates, ${CONCURRENCY} calls in flight (loopback Redis)`,
    rows,
  );
  printTable('Redis memory per tracked resource (all five stages COMPLETED)', [
    { measure: 'INFO used_memory delta ÷ resources (bytes)', value: (memoryAfter - memoryBase) / RESOURCES },
    { measure: 'MEMORY USAGE of one hash (bytes)', value: oneKey },
    { measure: `hash encoding`, value: String(encoding) },
    { measure: 'used_memory before (bytes)', value: memoryBefore },
  ]);
} finally {
  await redis.quit();
  redisServer.stop();
}
