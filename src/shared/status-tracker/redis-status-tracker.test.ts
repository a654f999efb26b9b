import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger, memoryPersistence } from '../../../test/support/progress.js';
import { startExtraRedis, testRedisUrl, uniqueId } from '../../../test/support/services.js';
import { openRedis, type RedisConnection } from '../redis/index.js';
import { applyChange } from './apply-change.js';
import { decodeFields } from './progress-record.js';
import { createRedisStatusTracking, type StatusTracking } from './open-status-tracking.js';
import { PROCESSING_STAGES, type ProcessingStage } from './types.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

function open(
  url: string,
  keyPrefix: string,
  ttlSeconds = 60,
  extra: { persistence?: ReturnType<typeof memoryPersistence>; readTimeoutMs?: number } = {},
) {
  const { logger, lines } = memoryLogger();
  const conn: RedisConnection = openRedis({
    url,
    name: 'test:progress',
    logger,
    redisOptions: { retryStrategy: () => 50 },
  });
  const tracking: StatusTracking = createRedisStatusTracking({
    url,
    redis: conn.client,
    keyPrefix,
    ttlSeconds,
    persistence: extra.persistence ?? null,
    logger,
    readTimeoutMs: extra.readTimeoutMs,
  });
  closers.push(
    () => conn.close(),
    () => tracking.close(),
  );
  return { tracker: tracking.tracker, redis: conn.client, lines };
}

describe('Redis status tracker', () => {
  it('two workers on separate connections updating different stages concurrently lose nothing', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const a = open(testRedisUrl(), prefix);
    const b = open(testRedisUrl(), prefix);
    const id = randomUUID();
    const rounds = 40;
    const work = (tracker: typeof a.tracker, stages: ProcessingStage[]) =>
      Promise.all(
        stages.map(async (stage) => {
          for (let i = 0; i < rounds; i++) await tracker.setProgress(id, stage, 'PROCESSING');
          await tracker.setProgress(id, stage, 'COMPLETED');
        }),
      );
    await Promise.all([work(a.tracker, ['INGESTION', 'QUALITY', 'GRAPH']), work(b.tracker, ['EMBEDDING', 'TAXONOMY'])]);
    const p = await a.tracker.getProgress(id);
    expect(p.overallStatus).toBe('COMPLETED');
    // Each PROCESSING counts an attempt inside the script: a read-modify-write race would lose some.
    expect(p.stages.map((s) => s.attempt)).toEqual([rounds, rounds, rounds, rounds, rounds]);
  });

  it('concurrent writers on the SAME stage never lose an attempt and get distinct versions', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const a = open(testRedisUrl(), prefix);
    const b = open(testRedisUrl(), prefix);
    const id = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).tracker.setProgress(id, 'GRAPH', 'PROCESSING')),
    );
    expect(new Set(results.map((r) => r.version)).size).toBe(100);
    expect((await a.tracker.getProgress(id)).stages[4]?.attempt).toBe(100);
  });

  it('sets the TTL on every change and refreshes it', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const { tracker, redis } = open(testRedisUrl(), prefix, 3600);
    const id = randomUUID();
    await tracker.initProgress(id);
    const ttl1 = await redis.ttl(`${prefix}${id}`);
    expect(ttl1).toBeGreaterThan(3590);
    await redis.expire(`${prefix}${id}`, 5);
    await tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    expect(await redis.ttl(`${prefix}${id}`)).toBeGreaterThan(3590);
  });

  it('an idle record expires; reads then fall back to the row state', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const persistence = memoryPersistence();
    const { tracker, redis, lines } = open(testRedisUrl(), prefix, 1, { persistence });
    const id = randomUUID();
    await tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    await tracker.setProgress(id, 'EMBEDDING', 'PROCESSING');
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await redis.exists(`${prefix}${id}`)).toBe(0);
    const p = await tracker.getProgress(id);
    expect(p.stages.map((s) => s.status)).toEqual(['COMPLETED', 'PENDING', 'PENDING', 'PENDING', 'PENDING']);
    expect(lines.some((l) => String(l.msg).startsWith('no live progress record'))).toBe(true);
    // The next change starts a new record whose version still exceeds the stored one.
    const next = await tracker.setProgress(id, 'EMBEDDING', 'COMPLETED');
    expect(next.version).toBeGreaterThan(p.version);
  });

  it('the Lua script and the in-process transition agree', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const { tracker } = open(testRedisUrl(), prefix);
    const id = randomUUID();
    const steps: Array<
      [ProcessingStage, 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED', string | undefined, number | undefined]
    > = [
      ['INGESTION', 'PROCESSING', undefined, undefined],
      ['INGESTION', 'COMPLETED', undefined, undefined],
      ['EMBEDDING', 'PROCESSING', undefined, 2],
      ['EMBEDDING', 'FAILED', 'a|b', undefined],
      ['EMBEDDING', 'PROCESSING', undefined, undefined],
      ['GRAPH', 'COMPLETED', undefined, undefined],
      ['QUALITY', 'PENDING', undefined, undefined],
    ];
    const fields: Record<string, string> = {};
    for (const [stage, status, error, attempt] of steps) {
      await tracker.setProgress(id, stage, status, { error, attempt });
      applyChange(
        fields,
        { kind: 'set', stage, status, error: status === 'FAILED' ? (error ?? '') : '', attempt: attempt ?? null },
        Date.now() * 1000,
      );
    }
    const strip = (p: ReturnType<typeof decodeFields>) =>
      p.stages.map(({ stage, status, attempt, error, startedAt, finishedAt }) => ({
        stage,
        status,
        attempt,
        error,
        started: !!startedAt,
        finished: !!finishedAt,
      }));
    expect(strip(await tracker.getProgress(id))).toEqual(strip(decodeFields(id, fields)));
  });

  it('Redis unreachable: getProgress serves the row state (or all PENDING) quickly and warns at most once per 10 s', async () => {
    const server = await startExtraRedis();
    const persistence = memoryPersistence();
    const { tracker, lines } = open(server.url, `${uniqueId('progress')}:`, 60, { persistence, readTimeoutMs: 500 });
    const stored = randomUUID();
    await tracker.setProgress(stored, 'INGESTION', 'COMPLETED');
    await tracker.setProgress(stored, 'EMBEDDING', 'FAILED', { error: 'no model' });
    await server.stop();
    const started = Date.now();
    const p = await tracker.getProgress(stored);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(p).toMatchObject({ overallStatus: 'FAILED', error: 'no model' });
    expect(await tracker.getProgress(randomUUID())).toMatchObject({ overallStatus: 'PENDING', percent: 0 });
    const [x, y] = await tracker.getProgressMany([randomUUID(), stored]);
    expect([x?.overallStatus, y?.overallStatus]).toEqual(['PENDING', 'FAILED']);
    const warnings = lines.filter((l) => String(l.msg).startsWith('progress store unreachable'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    await expect(tracker.setProgress(stored, 'GRAPH', 'PROCESSING')).rejects.toThrow();
    await server.start();
  });

  it('keeps keys under its prefix and channels separate from keys', async () => {
    const prefix = `${uniqueId('progress')}:`;
    const { tracker, redis } = open(testRedisUrl(), prefix);
    const id = randomUUID();
    await tracker.initProgress(id);
    expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}${id}`]);
    await tracker.clearProgress(id);
    expect(await redis.exists(`${prefix}${id}`)).toBe(0);
    expect(PROCESSING_STAGES).toHaveLength(5);
  });
});
