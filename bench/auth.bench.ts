// Cost of authentication per request: the same `me` query with a bearer token (JWT verification, session cache,
// user lookup) against TEST_MODE without a token (no verification: the baseline), on one server, same run.
// Embedded mode always; with Redis too when `redis-server` is on PATH (the session cache then costs a round trip).
import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, runLoad, startChild, stats, startBenchRedis } from './lib.js';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'auth-server.ts');
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

const redis = await startBenchRedis();
const modes: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'embedded (SQLite, in-process session cache)', env: {} },
];
if (redis) modes.push({ name: 'SQLite + Redis session cache', env: { BENCH_REDIS_URL: redis.url } });

const rows: Record<string, string | number>[] = [];
const summary: string[] = [];
try {
  for (const mode of modes) {
    const server = await startChild(script, mode.env);
    try {
      const url = `http://127.0.0.1:${server.port}/graphql`;
      const token = await register(url);
      // Interleave the two variants (A B A B) so drift on the machine hits both equally.
      const runs: Record<'token' | 'testMode', Array<Awaited<ReturnType<typeof runLoad>>>> = {
        token: [],
        testMode: [],
      };
      for (let round = 0; round < 2; round++) {
        runs.testMode.push(await runLoad({ url, body, concurrency, durationMs: durationMs / 2, warmupMs: 500 }));
        runs.token.push(
          await runLoad({
            url,
            body,
            concurrency,
            durationMs: durationMs / 2,
            warmupMs: 500,
            headers: { authorization: `Bearer ${token}` },
          }),
        );
      }
      const merge = (rs: Array<Awaited<ReturnType<typeof runLoad>>>) => ({
        rps: rs.reduce((a, r) => a + r.requestsPerSecond, 0) / rs.length,
        p50: stats(rs.map((r) => r.p50)).mean,
        p99: stats(rs.map((r) => r.p99)).mean,
        errors: rs.reduce((a, r) => a + r.errors, 0),
      });
      const base = merge(runs.testMode);
      const auth = merge(runs.token);
      rows.push({
        mode: mode.name,
        variant: 'TEST_MODE, no token (baseline)',
        'req/s': base.rps,
        'p50 ms': base.p50,
        'p99 ms': base.p99,
        errors: base.errors,
      });
      rows.push({
        mode: mode.name,
        variant: 'Bearer token',
        'req/s': auth.rps,
        'p50 ms': auth.p50,
        'p99 ms': auth.p99,
        errors: auth.errors,
      });
      summary.push(
        `${mode.name}: p50 added ${(auth.p50 - base.p50).toFixed(3)} ms, p99 added ${(auth.p99 - base.p99).toFixed(3)} ms, throughput ratio token/baseline ${(auth.rps / base.rps).toFixed(3)}`,
      );
    } finally {
      await server.stop();
    }
  }
} finally {
  redis?.stop();
}
printTable(`me query, ${concurrency} concurrent, ${durationMs} ms per variant`, rows);
for (const line of summary) console.log(line);

// The same comparison in-process, without HTTP and Apollo: the added cost of authenticate() itself
// (per call, sequential), which HTTP-level noise on a busy machine can hide.
{
  const { mkdtempSync: mkd } = await import('node:fs');
  const { loadConfig } = await import('../src/config/index.js');
  const { applyMigrations, createDatabase } = await import('../src/shared/database/index.js');
  const { createLogger } = await import('../src/shared/logger.js');
  const { openRedis } = await import('../src/shared/redis/index.js');
  const { createAuthModule } = await import('../src/modules/auth/index.js');
  const redisMicro = await startBenchRedis();
  const micro: Record<string, string | number>[] = [];
  try {
    for (const withRedis of [false, true]) {
      if (withRedis && !redisMicro) continue;
      const dir = mkd(path.join(tmpdir(), 'pharos-bench-auth-micro-'));
      const config = loadConfig({
        NODE_ENV: 'development',
        JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
        DATABASE_URL: `file:${path.join(dir, 'b.db')}`,
        LOG_LEVEL: 'silent',
        TEST_MODE: 'true',
      });
      await applyMigrations({ url: config.database.url.reveal() });
      const db = createDatabase({ url: config.database.url.reveal() });
      const logger = createLogger({ level: 'silent' });
      const conn = withRedis ? openRedis({ url: redisMicro!.url, name: 'bench', logger }) : null;
      const auth = await createAuthModule({ config, logger, prisma: db.prisma, redis: conn?.client ?? null });
      const user = await db.prisma.user.create({ data: { email: 'bench@example.test' } });
      // A live session (refresh-token family) for the token's `sid`: verification checks it.
      await db.prisma.refreshToken.create({
        data: { userId: user.id, familyId: 'bench', tokenHash: 'bench', expiresAt: new Date(Date.now() + 86_400_000) },
      });
      const { token } = await auth.deps.accessTokens.sign({ sub: user.id, tier: 'FREE', jti: 'bench', sid: 'bench' });
      const header = `Bearer ${token}`;
      const sample = async (fn: () => Promise<unknown>) => {
        for (let i = 0; i < 500; i++) await fn();
        const out: number[] = [];
        for (let i = 0; i < 5_000; i++) {
          const t = performance.now();
          await fn();
          out.push(performance.now() - t);
        }
        return stats(out);
      };
      const base = await sample(() => auth.authenticate(undefined));
      const tok = await sample(() => auth.authenticate(header));
      const label = withRedis ? 'Redis session cache' : 'in-process session cache';
      micro.push({ store: label, variant: 'TEST_MODE, no token', 'p50 ms': base.p50, 'p99 ms': base.p99 });
      micro.push({ store: label, variant: 'Bearer token', 'p50 ms': tok.p50, 'p99 ms': tok.p99 });
      summary.push(
        `authenticate() in-process, ${label}: p50 added ${(tok.p50 - base.p50).toFixed(3)} ms, p99 added ${(tok.p99 - base.p99).toFixed(3)} ms`,
      );
      await conn?.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    redisMicro?.stop();
  }
  printTable('authenticate() per call, in-process (5000 sequential calls)', micro);
  for (const line of summary.slice(-2)) console.log(line);
}
