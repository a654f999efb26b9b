// Live progress delivery (issue 5): 1,000 concurrent graphql-ws subscribers spread over two API instances
// (separate processes, shared Redis and SQLite file), 10 per resource on 100 resources. The bench process
// plays the worker: it calls setProgress and measures the time until each subscriber received the change.
// Baseline in the same run: raw Redis PUBLISH → message on a subscribed ioredis connection.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { applyMigrations, createDatabase } from '../src/shared/database/index.js';
import { createLogger } from '../src/shared/logger.js';
import { createRedisStatusTracking, PROCESSING_STAGES } from '../src/shared/status-tracker/index.js';
import { printTable, startChild, stats, type ChildServer } from './lib.js';
import { since, startBenchRedis } from './progress-lib.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000);
const RESOURCES = Number(process.env.BENCH_SUB_RESOURCES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const here = path.dirname(fileURLToPath(import.meta.url));
const keyPrefix = `bench-${process.pid}:`;
const secret = randomBytes(32).toString('base64url');

const redisServer = await startBenchRedis();
const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-subs-'));
const databaseUrl = `file:${path.join(dir, 'bench.db')}`;
await applyMigrations({ url: databaseUrl });
const env = {
  BENCH_REDIS_URL: redisServer.url,
  BENCH_DATABASE_URL: databaseUrl,
  BENCH_JWT_SECRET: secret,
  BENCH_KEY_PREFIX: keyPrefix,
};
const servers: ChildServer[] = [];
const clients: Client[] = [];
const db = createDatabase({ url: databaseUrl });
const logger = createLogger({ level: 'silent' });
const commands = new Redis(redisServer.url);
const tracking = createRedisStatusTracking({
  url: redisServer.url,
  redis: commands,
  keyPrefix: `${keyPrefix}progress:`,
  ttlSeconds: 3_600,
  persistence: null,
  logger,
});
try {
  servers.push(
    ...(await Promise.all([
      startChild(path.join(here, 'fixtures', 'progress-api-server.ts'), env),
      startChild(path.join(here, 'fixtures', 'progress-api-server.ts'), env),
    ])),
  );
  const register = await fetch(`http://127.0.0.1:${servers[0]!.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }',
      variables: { i: { email: `bench-${process.pid}@example.test`, password: 'bench-password-123' } },
    }),
  });
  const reg = ((await register.json()) as { data: { register: { accessToken: string; user: { id: string } } } }).data
    .register;
  const resources = await Promise.all(
    Array.from({ length: RESOURCES }, (_, i) =>
      db.prisma.resource.create({ data: { ownerId: reg.user.id, title: `bench ${i}` }, select: { id: true } }),
    ),
  );
  for (const r of resources) await tracking.tracker.initProgress(r.id);

  // Each subscriber counts deliveries into the current round (resource → pending count, samples).
  let round: { resource: string; t0: number; pending: number; done: () => void } | null = null;
  let burst: { t0: number; pending: number; done: () => void; samples: number[] } | null = null;
  const samples: number[] = [];
  let ready = 0;
  let errors = 0;
  const t0Connect = performance.now();
  await new Promise<void>((allReady, fail) => {
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const server = servers[i % 2]!;
      const resource = resources[i % RESOURCES]!.id;
      const client = createClient({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${reg.accessToken}` },
        retryAttempts: 0,
      });
      clients.push(client);
      let first = true;
      client.subscribe(
        {
          query:
            'subscription($id: ID!) { resourceProgress(id: $id) { overallStatus percent stages { stage status } } }',
          variables: { id: resource },
        },
        {
          next: () => {
            if (first) {
              first = false;
              if (++ready === SUBSCRIBERS) allReady();
              return;
            }
            const now = performance.now();
            if (burst) {
              burst.samples.push(now - burst.t0);
              if (--burst.pending === 0) burst.done();
            } else if (round && round.resource === resource) {
              samples.push(now - round.t0);
              if (--round.pending === 0) round.done();
            }
          },
          error: (e) => {
            errors++;
            fail(new Error(`subscription failed: ${JSON.stringify(e)}`));
          },
          complete: () => undefined,
        },
      );
    }
  });
  const connectSeconds = since(t0Connect) / 1000;
  const perResource = SUBSCRIBERS / RESOURCES;

  // One change at a time: each reaches the resource's 10 subscribers, 5 on each instance.
  for (let r = 0; r < ROUNDS; r++) {
    const resource = resources[r % RESOURCES]!.id;
    await new Promise<void>((done) => {
      round = { resource, t0: performance.now(), pending: perResource, done };
      void tracking.tracker.setProgress(resource, PROCESSING_STAGES[r % 5]!, r % 2 ? 'COMPLETED' : 'PROCESSING');
    });
  }
  round = null;

  // Burst: every resource changes at once (1,000 deliveries).
  const burstSamples: number[] = [];
  for (let b = 0; b < 3; b++) {
    await new Promise<void>((done) => {
      burst = { t0: performance.now(), pending: SUBSCRIBERS, done, samples: burstSamples };
      for (const r of resources) void tracking.tracker.setProgress(r.id, 'GRAPH', b % 2 ? 'COMPLETED' : 'PROCESSING');
    });
    burst = null;
  }

  // Baseline: raw Redis publish → receive, same number of round trips.
  const sub = new Redis(redisServer.url);
  const pub = new Redis(redisServer.url);
  await sub.subscribe('bench:baseline');
  const baseline: number[] = [];
  let resolveMsg: (() => void) | null = null;
  sub.on('message', () => resolveMsg?.());
  for (let r = 0; r < ROUNDS * perResource; r++) {
    const t = performance.now();
    await new Promise<void>((done) => {
      resolveMsg = done;
      void pub.publish('bench:baseline', JSON.stringify({ r }));
    });
    baseline.push(since(t));
  }
  sub.disconnect();
  pub.disconnect();

  const base = stats(baseline);
  const live = stats(samples);
  const b = stats(burstSamples);
  printTable(
    `live progress: ${SUBSCRIBERS} graphql-ws subscribers on 2 API instances, ${RESOURCES} resources (${perResource} subscribers each)`,
    [
      {
        measure: 'baseline: Redis PUBLISH → receive',
        samples: base.count,
        'p50 ms': base.p50,
        'p99 ms': base.p99,
        'max ms': base.max,
        'p99 ÷ baseline p99': 1,
      },
      {
        measure: 'setProgress → subscriber (one change at a time)',
        samples: live.count,
        'p50 ms': live.p50,
        'p99 ms': live.p99,
        'max ms': live.max,
        'p99 ÷ baseline p99': live.p99 / base.p99,
      },
      {
        measure: `burst: ${RESOURCES} changes at once → ${SUBSCRIBERS} deliveries`,
        samples: b.count,
        'p50 ms': b.p50,
        'p99 ms': b.p99,
        'max ms': b.max,
        'p99 ÷ baseline p99': b.p99 / base.p99,
      },
    ],
  );
  console.log(
    `connected and received the first snapshot on all ${SUBSCRIBERS} subscriptions in ${connectSeconds.toFixed(2)} s; errors: ${errors}`,
  );
} finally {
  for (const c of clients) void c.dispose();
  await tracking.close();
  commands.disconnect();
  await db.close();
  await Promise.all(servers.map((s) => s.stop()));
  redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
