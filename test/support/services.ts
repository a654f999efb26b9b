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
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll } from 'vitest';

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
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a listening server'));
      });
    });
  });
}

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

const isRoot = process.getuid?.() === 0;

/** initdb and pg_ctl refuse to run as root: run them as the postgres user then. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (!isRoot) return [command, args];
  if (spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status === 0) {
    return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  }
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

function chownToPostgres(...dirs: string[]): void {
  if (!isRoot) return;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no "postgres" user to own the cluster');
  for (const dir of dirs) chownSync(dir, uid, gid);
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // detached: started servers must not share vitest's process group (terminal Ctrl-C).
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Whether a process still runs. A daemon that exited stays a zombie until PID 1 reaps it,
 * which some container inits do only every second or two: count zombies as gone.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Sends one RESP command on a fresh connection; resolves with the raw reply ('' if the server hung up). */
function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis command timed out')));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

const redisAnswers = async (port: number): Promise<boolean> => (await redisCommand(port, ['PING'])).startsWith('+PONG');

const portRefuses = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });

async function shutdownRedis(port: number, pidFile: string | undefined): Promise<void> {
  const pid = pidFile ? readPid(pidFile) : undefined;
  await redisCommand(port, ['SHUTDOWN', 'NOSAVE']).catch(() => '');
  await waitUntil(`Redis on port ${port} still accepts connections`, () => portRefuses(port), 10_000);
  if (pid !== undefined) await waitUntil(`redis-server ${pid} did not exit`, async () => !isAlive(pid), 10_000);
}

async function launchRedis(binary: string, args: string[], port: number): Promise<void> {
  await run(binary, args);
  await waitUntil(`Redis on port ${port} did not answer PING`, () => redisAnswers(port), 10_000);
}

function redisPidFile(args: string[]): string | undefined {
  const i = args.indexOf('--pidfile');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Stops the shared Redis of TEST_REDIS_URL (`SHUTDOWN NOSAVE`) and resolves once its port refuses.
 * Breaks every test using that server in parallel: prefer `startExtraRedis()`.
 * @throws outside `npm test` (needs TEST_REDIS_PORT and TEST_REDIS_ARGS).
 */
export async function stopRedis(): Promise<void> {
  const port = Number(requireEnv('TEST_REDIS_PORT'));
  await shutdownRedis(port, redisPidFile(JSON.parse(requireEnv('TEST_REDIS_ARGS')) as string[]));
}

/** Starts the shared Redis again with its original port and flags (empty: it never saves). */
export async function startRedis(): Promise<void> {
  const port = Number(requireEnv('TEST_REDIS_PORT'));
  const args = JSON.parse(requireEnv('TEST_REDIS_ARGS')) as string[];
  await launchRedis(process.env.TEST_REDIS_BIN ?? 'redis-server', args, port);
}

function sharedPostgres(): { pgCtl: string; dataDir: string; options: string; port: number } {
  return {
    pgCtl: path.join(requireEnv('TEST_PG_BIN_DIR'), 'pg_ctl'),
    dataDir: requireEnv('TEST_PG_DATA_DIR'),
    options: requireEnv('TEST_PG_OPTIONS'),
    port: Number(requireEnv('TEST_PG_PORT')),
  };
}

async function pgCtlStop(pgCtl: string, dataDir: string): Promise<void> {
  await run(...asPostgres(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']), {
    cwd: path.dirname(dataDir),
  });
}

async function pgCtlStart(pgCtl: string, dataDir: string, options: string, port: number): Promise<void> {
  const logFile = path.join(path.dirname(dataDir), 'postgres.log');
  await run(...asPostgres(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']), {
    cwd: path.dirname(dataDir),
  });
  await waitUntil(`PostgreSQL on port ${port} did not accept queries`, () => pgAnswers(port), 30_000);
}

async function pgAnswers(port: number): Promise<boolean> {
  await withClient(`postgresql://postgres@127.0.0.1:${port}/postgres`, (client) => client.query('SELECT 1'));
  return true;
}

/**
 * Stops the shared PostgreSQL of TEST_DATABASE_URL (`pg_ctl stop -m fast`), ending all sessions.
 * Breaks every test using that server in parallel: prefer `startExtraPostgres()`.
 * @throws outside `npm test` (needs TEST_PG_BIN_DIR, TEST_PG_DATA_DIR, TEST_PG_OPTIONS).
 */
export async function stopPostgres(): Promise<void> {
  const { pgCtl, dataDir } = sharedPostgres();
  await pgCtlStop(pgCtl, dataDir);
}

/** Starts the shared PostgreSQL again on the same port, data intact; resolves when it answers queries. */
export async function startPostgres(): Promise<void> {
  const { pgCtl, dataDir, options, port } = sharedPostgres();
  await pgCtlStart(pgCtl, dataDir, options, port);
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

/** Pids of extra servers still running, killed if the worker exits before afterAll. */
const liveExtraPids = new Map<string, { pid: () => number | undefined; signal: NodeJS.Signals }>();
process.once('exit', () => {
  for (const { pid: pidOf, signal } of liveExtraPids.values()) {
    const pid = pidOf();
    if (pid !== undefined && isAlive(pid)) process.kill(pid, signal);
  }
});

/**
 * Spawns a separate redis-server on a free loopback port (no persistence, ~50 ms) for one
 * test file, e.g. to simulate Redis going down and coming back. Registered for afterAll.
 */
export async function startExtraRedis(): Promise<ExtraServer> {
  const binary = process.env.TEST_REDIS_BIN ?? 'redis-server';
  const dir = mkdtempSync(path.join(tempRoot('extra'), 'redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile,
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  let running = false;
  const stop = async (): Promise<void> => {
    if (!running) return;
    await shutdownRedis(port, pidFile);
    running = false;
  };
  const start = async (): Promise<void> => {
    if (running) return;
    await launchRedis(binary, args, port);
    running = true;
  };
  const dispose = async (): Promise<void> => {
    try {
      await stop();
    } finally {
      liveExtraPids.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  };
  liveExtraPids.set(dir, { pid: () => readPid(pidFile), signal: 'SIGKILL' });
  registerCleanup(dispose);
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, dispose };
}

/**
 * Spawns a separate PostgreSQL cluster (initdb + pg_ctl, ~1 s here) on a free loopback port
 * for one test file; `url` points at its `postgres` database as superuser `postgres`.
 * Registered for afterAll. Needs TEST_PG_BIN_DIR (set by `npm test`) or initdb/pg_ctl on PATH.
 */
export async function startExtraPostgres(): Promise<ExtraServer> {
  const binDir = process.env.TEST_PG_BIN_DIR;
  const tool = (name: string): string => (binDir ? path.join(binDir, name) : name);
  const runDir = mkdtempSync(path.join(tempRoot('extra'), 'postgres-'));
  chmodSync(runDir, 0o755);
  const dataDir = path.join(runDir, 'data');
  const socketDir = path.join(runDir, 'socket');
  mkdirSync(socketDir);
  chownToPostgres(runDir, socketDir);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
  ].join(' ');
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let running = false;
  const stop = async (): Promise<void> => {
    if (!running) return;
    await pgCtlStop(tool('pg_ctl'), dataDir);
    running = false;
  };
  const start = async (): Promise<void> => {
    if (running) return;
    await pgCtlStart(tool('pg_ctl'), dataDir, options, port);
    running = true;
  };
  const dispose = async (): Promise<void> => {
    try {
      await stop();
    } finally {
      liveExtraPids.delete(runDir);
      rmSync(runDir, { recursive: true, force: true });
    }
  };
  // SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL would orphan its backends.
  liveExtraPids.set(runDir, { pid: () => readPid(pidFile), signal: 'SIGQUIT' });
  registerCleanup(dispose);
  await run(
    ...asPostgres(tool('initdb'), [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
    { cwd: runDir },
  );
  await start();
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, stop, start, dispose };
}
