/**
 * Real PostgreSQL and Redis for integration tests.
 *
 * `npm test` (scripts/test.mjs) starts a throwaway PostgreSQL 15 and Redis 7 and exports
 * TEST_DATABASE_URL and TEST_REDIS_URL (plus TEST_PG_* / TEST_REDIS_* for restarts). Tests
 * share those servers, so isolate by data, not by truncation:
 * - PostgreSQL: one database per test file, `createTestPostgresDatabase()`.
 * - Redis: unique key prefixes per test, `uniqueId('ratelimit')`; never FLUSHDB/FLUSHALL.
 * - Outages: `startExtraRedis()` / `startExtraPostgres()` give one test file its own server to
 *   stop and start. `stopPostgres()`/`stopRedis()` take down the shared servers and break every
 *   test running in parallel: use them only in a file run on its own.
 *
 * Everything these helpers create is released by an `afterAll` of the importing test file
 * (see `registerCleanup`); scripts/test.mjs also stops extra servers a crashed worker left.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import {
  findPgBinDir,
  killServersUnder,
  postgresServer,
  redisServer,
  startPostgres as startPostgresServer,
  startRedis as startRedisServer,
  type PostgresServer,
  type RedisServer,
} from '../../scripts/lib/services.mjs';

type Cleanup = () => unknown;

const cleanups: Cleanup[] = [];

afterAll(async () => {
  const errors: unknown[] = [];
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'test cleanup failed');
});

/**
 * Runs `fn` in this test file's `afterAll`, after everything registered later (LIFO).
 * Every helper below registers its own disposal, so calling it yourself is optional.
 * Must be imported into the test file at collection time (a normal top-level import does it).
 */
export function registerCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

/** A short random identifier with a readable label, for unique Redis key prefixes, names and e-mails. */
export function uniqueId(label = 't'): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (another process may still take it). */
export { freePort } from '../../scripts/lib/services.mjs';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests with \`npm test\` (scripts/test.mjs), which starts the servers`);
  }
  return value;
}

/** Where helpers put temp folders: scripts/test.mjs's run folder (swept at exit), else the OS temp dir. */
function tempRoot(sub: string): string {
  const base = process.env.TEST_TMP_DIR ? path.join(process.env.TEST_TMP_DIR, sub) : os.tmpdir();
  mkdirSync(base, { recursive: true });
  return base;
}

export interface TestPostgresDatabase {
  /** `postgresql://…/pharos_t_<random>` on the server of TEST_DATABASE_URL. */
  url: string;
  name: string;
  /** Terminates its connections and drops it; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database `pharos_t_<random>` on the server of TEST_DATABASE_URL and
 * registers its drop for afterAll. One per test file (or per test) keeps tests independent.
 * @throws when TEST_DATABASE_URL is unset or the server refuses CREATE DATABASE.
 */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const adminUrl = requireEnv('TEST_DATABASE_URL');
  const name = `pharos_t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    // WITH (FORCE) terminates other sessions first (PostgreSQL 13+).
    await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  registerCleanup(drop);
  return { url: url.toString(), name, drop };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A `file:` URL for a fresh SQLite database in its own temp folder (the file itself is
 * created by whoever opens it). `cleanup()` deletes the folder; it also runs in afterAll.
 */
export function createTestSqliteUrl(): { url: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tempRoot('sqlite'), 'pharos-sqlite-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  registerCleanup(cleanup);
  return { url: `file:${path.join(dir, 'test.db')}`, cleanup };
}

/**
 * TEST_REDIS_URL, optionally with a logical database number (0-15). The Redis server is
 * shared with parallel tests: prefix every key with `uniqueId()` rather than flushing.
 * @throws when TEST_REDIS_URL is unset or `db` is not an integer 0-15.
 */
export function testRedisUrl(db?: number): string {
  const url = new URL(requireEnv('TEST_REDIS_URL'));
  if (db !== undefined) {
    if (!Number.isInteger(db) || db < 0 || db > 15) throw new TypeError(`Redis db must be 0-15, got ${db}`);
    url.pathname = `/${db}`;
  }
  return url.toString();
}

function sharedRedis(): RedisServer {
  return redisServer({
    binary: process.env.TEST_REDIS_BIN ?? 'redis-server',
    port: Number(requireEnv('TEST_REDIS_PORT')),
    args: JSON.parse(requireEnv('TEST_REDIS_ARGS')) as string[],
  });
}

/**
 * Stops the shared Redis of TEST_REDIS_URL (`SHUTDOWN NOSAVE`) and resolves once its port refuses.
 * Breaks every test using that server in parallel: prefer `startExtraRedis()`.
 * @throws outside `npm test` (needs TEST_REDIS_PORT and TEST_REDIS_ARGS).
 */
export async function stopRedis(): Promise<void> {
  await sharedRedis().stop();
}

/** Starts the shared Redis again with its original port and flags (empty: it never saves). */
export async function startRedis(): Promise<void> {
  await sharedRedis().start();
}

function sharedPostgres(): PostgresServer {
  return postgresServer({
    binDir: requireEnv('TEST_PG_BIN_DIR'),
    dataDir: requireEnv('TEST_PG_DATA_DIR'),
    options: requireEnv('TEST_PG_OPTIONS'),
    port: Number(requireEnv('TEST_PG_PORT')),
  });
}

/**
 * Stops the shared PostgreSQL of TEST_DATABASE_URL (`pg_ctl stop -m fast`), ending all sessions.
 * Breaks every test using that server in parallel: prefer `startExtraPostgres()`.
 * @throws outside `npm test` (needs TEST_PG_BIN_DIR, TEST_PG_DATA_DIR, TEST_PG_OPTIONS).
 */
export async function stopPostgres(): Promise<void> {
  await sharedPostgres().stop();
}

/** Starts the shared PostgreSQL again on the same port, data intact; resolves when it answers queries. */
export async function startPostgres(): Promise<void> {
  const server = sharedPostgres();
  await server.start();
  await withClient(server.url, (client) => client.query('SELECT 1'));
}

/** True when the shared servers were started by scripts/test.mjs, so stop/start helpers work. */
export function canRestartSharedServers(): boolean {
  return ['TEST_PG_DATA_DIR', 'TEST_PG_BIN_DIR', 'TEST_PG_OPTIONS', 'TEST_REDIS_PORT', 'TEST_REDIS_ARGS'].every(
    (name) => !!process.env[name],
  );
}

/** A server owned by one test file, to stop and start at will (outage tests). */
export interface ExtraServer {
  url: string;
  port: number;
  /** Stops the server; resolves once it refuses connections. No-op when stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it answers. No-op when running. */
  start(): Promise<void>;
  /** Stops it and deletes its folder; also runs in afterAll. */
  dispose(): Promise<void>;
}

/** Folders of extra servers not yet disposed: their servers are killed if the worker exits before afterAll. */
const liveExtraDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveExtraDirs) killServersUnder(dir);
});

/**
 * Gives one test file a server in its own folder under `tempRoot('extra')` (swept by
 * scripts/test.mjs) with stop/start that are no-ops in the state they lead to.
 */
async function extraServer(
  prefix: string,
  launch: (dir: string) => Promise<PostgresServer | RedisServer>,
): Promise<ExtraServer> {
  const dir = mkdtempSync(path.join(tempRoot('extra'), prefix));
  const remove = (): void => {
    liveExtraDirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  liveExtraDirs.add(dir);
  const server = await launch(dir).catch((error: unknown) => {
    remove();
    throw error;
  });
  let running = true;
  const stop = async (): Promise<void> => {
    if (!running) return;
    await server.stop();
    running = false;
  };
  const start = async (): Promise<void> => {
    if (running) return;
    await server.start();
    running = true;
  };
  const dispose = async (): Promise<void> => {
    try {
      await stop();
    } finally {
      remove();
    }
  };
  registerCleanup(dispose);
  return { url: server.url, port: server.port, stop, start, dispose };
}

/**
 * Spawns a separate redis-server on a free loopback port (no persistence, ~50 ms) for one
 * test file, e.g. to simulate Redis going down and coming back. Registered for afterAll.
 */
export async function startExtraRedis(): Promise<ExtraServer> {
  const binary = process.env.TEST_REDIS_BIN ?? 'redis-server';
  return extraServer('redis-', (dir) => startRedisServer({ binary, dir }));
}

/**
 * Spawns a separate PostgreSQL cluster (initdb + pg_ctl, ~1 s here) on a free loopback port
 * for one test file; `url` points at its `postgres` database as superuser `postgres`.
 * Registered for afterAll. Needs TEST_PG_BIN_DIR (set by `npm test`) or PostgreSQL installed.
 */
export async function startExtraPostgres(): Promise<ExtraServer> {
  const binDir = findPgBinDir();
  return extraServer('postgres-', (dir) => startPostgresServer({ binDir, dir, maxConnections: 50 }));
}
