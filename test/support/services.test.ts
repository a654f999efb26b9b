import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAlive, redisCommand, startRedis, stopServersUnder } from '../../scripts/lib/services.mjs';
import {
  createTestPostgresDatabase,
  createTestSqliteUrl,
  freePort,
  startExtraPostgres,
  startExtraRedis,
  testRedisUrl,
  uniqueId,
} from './services.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

function connectRedis(url: string): Redis {
  // No retries: a stopped server must show up as an error, not as a hang.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  return redis;
}

describe('test services harness', () => {
  it('connects to the shared PostgreSQL 15+', async () => {
    const [row] = await query<{ version: string; num: string }>(
      process.env.TEST_DATABASE_URL!,
      "SELECT version() AS version, current_setting('server_version_num') AS num",
    );
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    expect(Number(row?.num)).toBeGreaterThanOrEqual(150000);
  });

  it('creates an isolated database and drops it', async () => {
    const db = await createTestPostgresDatabase();
    expect(db.name).toMatch(/^pharos_t_[0-9a-f]{12}$/);
    await query(db.url, 'CREATE TABLE t (id int)');
    await query(db.url, 'INSERT INTO t VALUES (1)');
    expect(await query(db.url, 'SELECT id FROM t')).toEqual([{ id: 1 }]);

    // An open session must not block the drop.
    const lingering = new pg.Client({ connectionString: db.url });
    lingering.on('error', () => undefined);
    await lingering.connect();
    await db.drop();
    await lingering.end().catch(() => undefined);
    const exists = await query(process.env.TEST_DATABASE_URL!, 'SELECT 1 FROM pg_database WHERE datname = $1', [
      db.name,
    ]);
    expect(exists).toEqual([]);
    await db.drop();
  });

  it('pings the shared Redis and selects a logical database', async () => {
    const redis = connectRedis(testRedisUrl(3));
    onTestFinished(() => redis.disconnect());
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    const key = `${uniqueId('smoke')}:key`;
    await redis.set(key, 'v', 'EX', 60);
    expect(await redis.get(key)).toBe('v');
    expect(await redis.client('INFO')).toMatch(/ db=3 /);
  });

  it('rejects an impossible Redis database number', () => {
    expect(() => testRedisUrl(16)).toThrow(TypeError);
  });

  it('gives out unique SQLite file URLs', () => {
    const a = createTestSqliteUrl();
    const b = createTestSqliteUrl();
    expect(a.url).toMatch(/^file:\/.+\.db$/);
    expect(a.url).not.toBe(b.url);
  });

  it('finds a free loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
  });

  it('stops and restarts an extra Redis', async () => {
    const server = await startExtraRedis();
    const redis = connectRedis(server.url);
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();

    await server.stop();
    const down = connectRedis(server.url);
    await expect(down.connect()).rejects.toThrow();
    down.disconnect();

    await server.start();
    const again = connectRedis(server.url);
    await again.connect();
    expect(await again.ping()).toBe('PONG');
    again.disconnect();
    await server.dispose();
  });

  it('stops and restarts an extra PostgreSQL, keeping its data', async () => {
    const server = await startExtraPostgres();
    await query(server.url, 'CREATE TABLE kept (v text)');
    await query(server.url, "INSERT INTO kept VALUES ('still here')");

    await server.stop();
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

    await server.start();
    expect(await query(server.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
  });

  it('sweeps a server left running under a folder, as npm test does after a crashed worker', async () => {
    const dir = mkdtempSync(path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'sweep-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const server = await startRedis({ binary: process.env.TEST_REDIS_BIN ?? 'redis-server', dir: path.join(dir, 'a') });
    const pid = server.pid();
    expect(pid).toBeGreaterThan(0);

    expect(await stopServersUnder(dir)).toEqual([path.join(dir, 'a', 'redis.pid')]);
    expect(isAlive(pid!)).toBe(false);
    await expect(redisCommand(server.port, ['PING'])).rejects.toThrow(/ECONNREFUSED/);
    expect(await stopServersUnder(dir)).toEqual([]);
  });
});
