// @ts-check
/**
 * Throwaway PostgreSQL and Redis servers on free loopback ports, in folders the caller owns.
 * The one launcher behind `npm test` (scripts/test.mjs), the test helpers (test/support/services.ts)
 * and the benchmarks (bench/). Plain JavaScript so scripts/test.mjs runs without tsx; the types are
 * in services.d.mts beside it.
 *
 * Layout inside a server's folder `dir` (what `stopServersUnder` looks for):
 * - PostgreSQL: `dir/data` (cluster, `postmaster.pid`), `dir/socket`, `dir/postgres.log`.
 * - Redis: `dir/redis.pid`, `dir/redis.log` (no persistence: `--save '' --appendonly no`).
 *
 * When run as root, initdb and pg_ctl run as the `postgres` system user (they refuse root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const isRoot = process.getuid?.() === 0;

/**
 * The executable `name` on PATH, or undefined.
 * @param {string} name
 * @returns {string | undefined}
 */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** @param {string} dir */
const hasPgTools = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(path.join(dir, tool)));

/**
 * PostgreSQL's bin folder: TEST_PG_BIN_DIR, then initdb on PATH, then /usr/lib/postgresql/<v>/bin
 * (15 preferred, else the newest). Undefined when PostgreSQL is not installed.
 * @returns {string | undefined}
 */
export function findPgBinDir() {
  const fromEnv = process.env.TEST_PG_BIN_DIR;
  if (fromEnv && hasPgTools(fromEnv)) return fromEnv;
  const initdb = which('initdb');
  if (initdb) {
    const dir = path.dirname(realpathSync(initdb));
    if (hasPgTools(dir)) return dir;
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => hasPgTools(path.join(base, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  const chosen = versions.includes('15') ? '15' : versions[0];
  return chosen ? path.join(base, chosen, 'bin') : undefined;
}

/**
 * The redis-server executable: TEST_REDIS_BIN, then PATH. Undefined when Redis is not installed.
 * @returns {string | undefined}
 */
export function findRedisServer() {
  return process.env.TEST_REDIS_BIN || which('redis-server');
}

/**
 * Both servers' binaries; a field is undefined when that server is not installed.
 * @returns {{ pgBinDir: string | undefined; redisServer: string | undefined }}
 */
export function findBinaries() {
  return { pgBinDir: findPgBinDir(), redisServer: findRedisServer() };
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (another process may still take it).
 * @returns {Promise<number>}
 */
export function freePort() {
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

/**
 * Runs a command to completion, capturing its output; never rejects. `detached`: the command and
 * any daemon it leaves behind get their own process group, so a terminal Ctrl-C meant for the
 * test runner does not kill the servers while it is still shutting down.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string; timeoutMs?: number }} [options]
 * @returns {Promise<{ code: number; output: string }>}
 */
function run(command, args, { cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/**
 * @param {string} what
 * @param {() => Promise<boolean>} check
 * @param {number} timeoutMs
 */
async function waitUntil(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * The pid on the first line of a pid file (redis.pid, postmaster.pid), or undefined.
 * @param {string} file
 * @returns {number | undefined}
 */
export function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process still runs. A daemon that exited stays a zombie until PID 1 reaps it, which
 * some container inits do only every second or two: count zombies as gone.
 * @param {number} pid
 * @returns {boolean}
 */
export function isAlive(pid) {
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

/**
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * @param {number} pid
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} whether it is gone
 */
async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

/**
 * Sends `signal` to `pid`, waits up to `timeoutMs` for it to exit, then SIGKILLs it and waits up
 * to 2 s more. Resolves whether it is gone; never rejects.
 * @param {number} pid
 * @param {{ signal?: NodeJS.Signals; timeoutMs?: number }} [options] default SIGTERM, 5000 ms
 * @returns {Promise<boolean>}
 */
export async function stopPid(pid, { signal = 'SIGTERM', timeoutMs = 5000 } = {}) {
  if (!isAlive(pid)) return true;
  signalPid(pid, signal);
  if (await waitForExit(pid, timeoutMs)) return true;
  signalPid(pid, 'SIGKILL');
  return waitForExit(pid, 2000);
}

/** @param {number} port */
const portRefuses = (port) =>
  /** @type {Promise<boolean>} */ (
    new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    })
  );

/** @returns {[string, string[]]} */
function asPostgres(/** @type {string} */ command, /** @type {string[]} */ args) {
  if (!isRoot) return [command, args];
  if (which('runuser')) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

/** @param {string[]} dirs */
function chownToPostgres(...dirs) {
  if (!isRoot) return;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root needs a "postgres" system user to own the cluster (useradd -r postgres)');
  }
  for (const dir of dirs) chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
}

/** @param {string} file */
function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * A handle on a PostgreSQL cluster that already exists in `dataDir` (running or not): start and
 * stop it with pg_ctl. `startPostgres` creates one; use this to reach a cluster another process
 * started (test/support/services.ts and the TEST_PG_* variables).
 * @param {{ binDir?: string; dataDir: string; port: number; options: string }} spec
 *   `binDir` undefined: pg_ctl and pg_isready from PATH. `options`: the postmaster's `-o` string.
 * @returns {import('./services.d.mts').PostgresServer}
 */
export function postgresServer({ binDir, dataDir, port, options }) {
  /** @param {string} name */
  const tool = (name) => (binDir ? path.join(binDir, name) : name);
  const runDir = path.dirname(dataDir);
  const logFile = path.join(runDir, 'postgres.log');
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = () => readPid(pidFile);
  const ready = async () => {
    const isReady = binDir && !existsSync(tool('pg_isready')) ? 'pg_isready' : tool('pg_isready');
    const args = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres'];
    return (await run(isReady, args, { timeoutMs: 5000 })).code === 0;
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    binDir,
    dataDir,
    options,
    pid,
    async start() {
      const args = ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options, 'start'];
      const result = await run(...asPostgres(tool('pg_ctl'), args), { cwd: runDir, timeoutMs: 70_000 });
      if (result.code !== 0) {
        throw new Error(`pg_ctl start on port ${port} exited with ${result.code}:\n${result.output}\n${tail(logFile)}`);
      }
      await waitUntil(`PostgreSQL on port ${port} did not accept connections`, ready, 30_000);
    },
    async stop() {
      const running = pid();
      if (running === undefined || !isAlive(running)) return;
      const args = ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'];
      await run(...asPostgres(tool('pg_ctl'), args), { cwd: runDir, timeoutMs: 40_000 });
      // SIGQUIT is PostgreSQL's immediate shutdown; its backends exit with the postmaster.
      if (!(await stopPid(running, { signal: 'SIGQUIT', timeoutMs: 5000 }))) {
        throw new Error(`PostgreSQL ${running} on port ${port} did not exit`);
      }
    },
    kill() {
      const running = pid();
      if (running !== undefined) signalPid(running, 'SIGQUIT');
    },
  };
}

/**
 * @param {{ port: number; socketDir: string; maxConnections: number; settings: Record<string, string | number> }} o
 */
function postmasterOptions({ port, socketDir, maxConnections, settings }) {
  const all = {
    listen_addresses: '127.0.0.1',
    // A throwaway cluster: durability only costs time.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: maxConnections,
    ...settings,
  };
  return [`-p ${port}`, `-k ${socketDir}`, ...Object.entries(all).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
}

/**
 * Creates a PostgreSQL cluster in `dir` (initdb: trust auth, superuser `postgres`, UTF8, C locale)
 * and starts it on a free loopback port, retrying on another port up to `attempts` times when the
 * port was taken meanwhile. Resolves once it accepts connections. `dir` may exist (empty) or not;
 * the caller deletes it after `stop()`.
 * @param {import('./services.d.mts').StartPostgresOptions} options
 * @returns {Promise<import('./services.d.mts').PostgresServer>}
 * @throws when initdb fails (output included) or every start attempt failed (server log included).
 */
export async function startPostgres({ binDir, dir, maxConnections = 100, settings = {}, attempts = 3, onRetry }) {
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  mkdirSync(socketDir, { recursive: true });
  // The postgres user must be able to enter the folder (mkdtemp makes it 0700).
  chmodSync(dir, 0o755);
  chownToPostgres(dir, socketDir);
  const initdb = binDir ? path.join(binDir, 'initdb') : 'initdb';
  const init = await run(
    ...asPostgres(initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']),
    { cwd: dir },
  );
  if (init.code !== 0) throw new Error(`initdb failed:\n${init.output}`);
  return startOnFreePort('PostgreSQL', attempts, onRetry, (port) =>
    postgresServer({
      binDir,
      dataDir,
      port,
      options: postmasterOptions({ port, socketDir, maxConnections, settings }),
    }),
  );
}

/**
 * Sends one RESP command to the Redis on `port` over a fresh connection; resolves with the raw
 * reply ('' when the server closed without answering, as after SHUTDOWN).
 * @param {number} port
 * @param {string[]} args
 * @param {number} [timeoutMs] default 2000
 * @returns {Promise<string>}
 */
export function redisCommand(port, args, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('redis command timed out')));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

/**
 * redis-server flags for a daemon without persistence on `port`, with its pid and log in `dir`.
 * @param {number} port
 * @param {string} dir
 */
function redisArgs(port, dir) {
  return [
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
    path.join(dir, 'redis.pid'),
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
}

/**
 * A handle on a daemonizing redis-server with the given flags (running or not). `startRedis`
 * creates one; use this to reach a server another process started (TEST_REDIS_* variables).
 * @param {{ binary: string; port: number; args: readonly string[] }} spec `args` must hold `--daemonize yes`;
 *   with `--pidfile`, stop() also waits for the process to exit.
 * @returns {import('./services.d.mts').RedisServer}
 */
export function redisServer({ binary, port, args }) {
  const at = args.indexOf('--pidfile');
  const pidFile = at >= 0 ? args[at + 1] : undefined;
  const pid = () => (pidFile ? readPid(pidFile) : undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    binary,
    args,
    pid,
    async start() {
      const result = await run(binary, args, { timeoutMs: 10_000 });
      if (result.code !== 0)
        throw new Error(`redis-server on port ${port} exited with ${result.code}:\n${result.output}`);
      await waitUntil(
        `Redis on port ${port} did not answer PING`,
        async () => (await redisCommand(port, ['PING'])).startsWith('+PONG'),
        10_000,
      );
    },
    async stop() {
      const running = pid();
      await redisCommand(port, ['SHUTDOWN', 'NOSAVE']).catch(() => '');
      if (running !== undefined && !(await waitForExit(running, 10_000))) {
        if (!(await stopPid(running, { signal: 'SIGKILL', timeoutMs: 2000 }))) {
          throw new Error(`redis-server ${running} on port ${port} did not exit`);
        }
      }
      await waitUntil(`Redis on port ${port} still accepts connections`, () => portRefuses(port), 10_000);
    },
    kill(signal = 'SIGKILL') {
      const running = pid();
      if (running !== undefined) signalPid(running, signal);
    },
  };
}

/**
 * Starts a daemonized redis-server without persistence on a free loopback port, its pid file and
 * log in `dir` (created when missing; the caller deletes it after `stop()`), retrying on another
 * port up to `attempts` times. Resolves once it answers PING.
 * @param {import('./services.d.mts').StartRedisOptions} options
 * @returns {Promise<import('./services.d.mts').RedisServer>}
 * @throws when every attempt failed.
 */
export async function startRedis({ binary, dir, attempts = 3, onRetry }) {
  mkdirSync(dir, { recursive: true });
  return startOnFreePort('Redis', attempts, onRetry, (port) =>
    redisServer({ binary, port, args: redisArgs(port, dir) }),
  );
}

/**
 * Starts the server `make(port)` builds on a free port, trying another port up to `attempts` times (a free port
 * can be taken between finding it and binding it).
 * @template {{ start(): Promise<void>, stop(): Promise<void> }} S
 * @param {string} what
 * @param {number} attempts
 * @param {((message: string) => void) | undefined} onRetry
 * @param {(port: number) => S} make
 * @returns {Promise<S>}
 */
async function startOnFreePort(what, attempts, onRetry, make) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = make(port);
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.stop().catch(() => undefined);
      if (attempt >= attempts) throw error;
      onRetry?.(`${what} did not start on port ${port} (attempt ${attempt}), retrying on another port`);
    }
  }
}

/**
 * Pid files of servers this module may have started under `dir` (a few levels deep; a
 * PostgreSQL data folder is not searched beyond its postmaster.pid).
 * @param {string} dir
 * @param {number} depth
 * @returns {{ file: string; kind: 'postgres' | 'redis' }[]}
 */
function pidFilesUnder(dir, depth = 4) {
  /** @type {import('node:fs').Dirent[]} */
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  if (entries.some((e) => e.name === 'PG_VERSION')) {
    const file = path.join(dir, 'postmaster.pid');
    return existsSync(file) ? [{ file, kind: 'postgres' }] : [];
  }
  return entries.flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isFile() && e.name === 'redis.pid') return [{ file, kind: /** @type {const} */ ('redis') }];
    return e.isDirectory() && depth > 0 ? pidFilesUnder(file, depth - 1) : [];
  });
}

/**
 * Stops every server still running under `dir` by its pid file (SIGQUIT for PostgreSQL, SIGTERM
 * for Redis, SIGKILL after 5 s): the sweep for servers a crashed test left behind. Resolves with
 * the pid files of the servers it found running; never rejects.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function stopServersUnder(dir) {
  const found = pidFilesUnder(dir).flatMap(({ file, kind }) => {
    const pid = readPid(file);
    return pid !== undefined && isAlive(pid) ? [{ file, kind, pid }] : [];
  });
  await Promise.all(
    found.map(({ kind, pid }) => stopPid(pid, { signal: kind === 'postgres' ? 'SIGQUIT' : 'SIGTERM' })),
  );
  return found.map(({ file }) => file);
}

/**
 * Signals every server under `dir` to quit now (SIGQUIT for PostgreSQL, SIGKILL for Redis) without
 * waiting: for `process.on('exit')` handlers, where nothing asynchronous runs any more.
 * @param {string} dir
 */
export function killServersUnder(dir) {
  for (const { file, kind } of pidFilesUnder(dir)) {
    const pid = readPid(file);
    if (pid !== undefined) signalPid(pid, kind === 'postgres' ? 'SIGQUIT' : 'SIGKILL');
  }
}
