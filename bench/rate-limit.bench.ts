// Cost of rate limiting per request: the same authenticated `me` query against two copies of the API that
// differ only in RATE_LIMIT_ENABLED (on: complexity + sliding-window check and X-RateLimit headers; off:
// complexity only), same run, variants interleaved. With loopback Redis when `redis-server` is on PATH
// (one Lua script round trip per request), and embedded (in-process counters).
// Also the kernel alone: limiter.consume() latency against Redis and in memory.
import 'reflect-metadata';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createLogger } from '../src/shared/logger.js';
import {
  createMemorySlidingWindowStore,
  createRateLimiter,
  createRedisSlidingWindowStore,
  windowLimits,
  type RateLimiter,
} from '../src/shared/rate-limit/index.js';
import { printTable, runLoad, startChild, stats, type ChildServer, type LoadResult, startBenchRedis } from './lib.js';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 6_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rate-limit-server.ts');
const body = JSON.stringify({ query: '{ me { id email tier } }' });

async function register(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }',
      variables: { i: { email: `bench-${Date.now()}@example.test`, password: 'bench-password-1' } },
    }),
  });
  const json = (await res.json()) as { data?: { register: { accessToken: string } } };
  if (!json.data) throw new Error(`register failed: ${JSON.stringify(json)}`);
  return json.data.register.accessToken;
}

async function kernelLatency(
  limiter: RateLimiter,
  n: number,
): Promise<{ p50: number; p99: number; perSecond: number }> {
  const limits = windowLimits({ perMinute: 1e12, perHour: 1e12, perDay: 1e12 });
  for (let i = 0; i < 500; i++) await limiter.consume(`warm-${i % 50}`, 1, limits);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await limiter.consume(`user:${i % 1000}`, 1, limits);
    samples.push(performance.now() - t);
  }
  const s = stats(samples);
  return { p50: s.p50, p99: s.p99, perSecond: n / ((performance.now() - started) / 1000) };
}

const redis = await startBenchRedis();
const rows: Record<string, string | number>[] = [];
const summary: string[] = [];
const logger = createLogger({ level: 'silent' });
try {
  const kernelRows: Record<string, string | number>[] = [];
  const memory = await kernelLatency(createRateLimiter({ store: createMemorySlidingWindowStore(), logger }), 50_000);
  kernelRows.push({
    store: 'memory',
    'p50 ms': memory.p50,
    'p99 ms': memory.p99,
    'checks/s (serial)': memory.perSecond,
  });
  if (redis) {
    const client = new Redis(redis.url);
    await new Promise<void>((r) => client.once('ready', () => r()));
    const store = createRedisSlidingWindowStore({ client, prefix: 'bench:' });
    const viaRedis = await kernelLatency(createRateLimiter({ store, logger }), 20_000);
    kernelRows.push({
      store: 'redis (loopback)',
      'p50 ms': viaRedis.p50,
      'p99 ms': viaRedis.p99,
      'checks/s (serial)': viaRedis.perSecond,
    });
    client.disconnect();
  }
  printTable('limiter.consume(), three windows, 1,000 keys', kernelRows);

  const modes: Array<{ name: string; env: Record<string, string> }> = [
    { name: 'embedded (in-process counters)', env: {} },
  ];
  if (redis) modes.unshift({ name: 'Redis (loopback)', env: { BENCH_REDIS_URL: redis.url } });
  for (const mode of modes) {
    const servers: Record<'on' | 'off', ChildServer | null> = { on: null, off: null };
    try {
      servers.on = await startChild(script, { ...mode.env, BENCH_RATE_LIMIT: 'true' });
      servers.off = await startChild(script, { ...mode.env, BENCH_RATE_LIMIT: 'false' });
      const target = {
        on: { url: `http://127.0.0.1:${servers.on.port}/graphql`, token: '' },
        off: { url: `http://127.0.0.1:${servers.off.port}/graphql`, token: '' },
      };
      target.on.token = await register(target.on.url);
      target.off.token = await register(target.off.url);
      const runs: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] };
      // Interleave (off on off on) so drift on the machine hits both equally.
      for (let round = 0; round < 2; round++) {
        for (const variant of ['off', 'on'] as const) {
          const t = target[variant];
          runs[variant].push(
            await runLoad({
              url: t.url,
              body,
              concurrency,
              durationMs: durationMs / 2,
              warmupMs: 500,
              headers: { authorization: `Bearer ${t.token}` },
            }),
          );
        }
      }
      const merge = (rs: LoadResult[]) => ({
        rps: rs.reduce((a, r) => a + r.requestsPerSecond, 0) / rs.length,
        p50: stats(rs.map((r) => r.p50)).mean,
        p99: stats(rs.map((r) => r.p99)).mean,
        errors: rs.reduce((a, r) => a + r.errors, 0),
      });
      const off = merge(runs.off);
      const on = merge(runs.on);
      rows.push({
        mode: mode.name,
        variant: 'auth, limiting off (baseline)',
        'req/s': off.rps,
        'p50 ms': off.p50,
        'p99 ms': off.p99,
        errors: off.errors,
      });
      rows.push({
        mode: mode.name,
        variant: 'auth + rate limiting',
        'req/s': on.rps,
        'p50 ms': on.p50,
        'p99 ms': on.p99,
        errors: on.errors,
      });
      summary.push(
        `${mode.name}: p50 added ${(on.p50 - off.p50).toFixed(3)} ms, p99 added ${(on.p99 - off.p99).toFixed(3)} ms, throughput ratio limited/unlimited ${(on.rps / off.rps).toFixed(3)}`,
      );
    } finally {
      await servers.on?.stop();
      await servers.off?.stop();
    }
  }
} finally {
  redis?.stop();
}
printTable(`me query with a bearer token, ${concurrency} concurrent, ${durationMs} ms per variant`, rows);
for (const line of summary) console.log(line);
