#!/usr/bin/env node
// `npm test`: runs vitest against a real PostgreSQL 15 and Redis 7.
//
// With TEST_DATABASE_URL and TEST_REDIS_URL both set, those servers are used as they are.
// Otherwise a throwaway PostgreSQL cluster and Redis server are started on free loopback
// ports in a temp folder, exported to the tests as TEST_* variables (see
// test/support/services.ts), and always stopped and deleted afterwards, also on
// SIGINT/SIGTERM and on failure. Extra arguments go to `vitest run`:
//   npm test -- test/support          npm test -- -t 'rate limit'
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { Buffer } from 'node:buffer';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;
const INSTALL_COMMAND = 'apt-get update && apt-get install -y postgresql redis-server';

const log = (message) => console.error(`test.mjs: ${message}`);

/** Everything started so far, so cleanup knows what to stop. */
const state = {
  tmpDir: undefined,
  pg: undefined,
  redis: undefined,
  starting: undefined,
  aborted: false,
  vitest: undefined,
  cleaned: false,
};

function which(name) {
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

const hasPgTools = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(path.join(dir, tool)));

/** PostgreSQL's bin folder: TEST_PG_BIN_DIR, then initdb on PATH, then /usr/lib/postgresql/<v>/bin (15 preferred). */
function findPgBinDir() {
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

function findBinaries() {
  return { pgBinDir: findPgBinDir(), redisServer: process.env.TEST_REDIS_BIN || which('redis-server') };
}

/** Installs the servers with apt when root on Debian, else prints the install command and exits 1. */
function ensureBinaries() {
  let found = findBinaries();
  if (found.pgBinDir && found.redisServer) return found;
  const missing = [!found.pgBinDir && 'PostgreSQL (initdb, pg_ctl)', !found.redisServer && 'redis-server'].filter(
    Boolean,
  );
  if (isRoot && existsSync('/etc/debian_version')) {
    log(`${missing.join(' and ')} not found; installing: ${INSTALL_COMMAND}`);
    // Keep apt's postinst scripts from starting system-wide daemons (the usual policy-rc.d convention).
    const policy = '/usr/sbin/policy-rc.d';
    const ownPolicy = !existsSync(policy);
    if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      const result = spawnSync('sh', ['-c', INSTALL_COMMAND], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (result.status !== 0) {
        log('installing PostgreSQL and Redis failed');
        process.exit(1);
      }
    } finally {
      if (ownPolicy) unlinkSync(policy);
    }
    found = findBinaries();
    if (found.pgBinDir && found.redisServer) return found;
    log('PostgreSQL or Redis still not found after installing');
    process.exit(1);
  }
  const sudo = isRoot ? '' : 'sudo ';
  log(`${missing.join(' and ')} not found. Install them, or set TEST_DATABASE_URL and TEST_REDIS_URL:`);
  if (existsSync('/etc/debian_version'))
    console.error(`  ${sudo}apt-get update && ${sudo}apt-get install -y postgresql redis-server`);
  else if (process.platform === 'darwin') console.error('  brew install postgresql@15 redis');
  else console.error('  install PostgreSQL 15 and Redis 7 with your package manager');
  process.exit(1);
}

/** Runs a command to completion, capturing its output; never throws on a non-zero exit. */
function run(command, args, { timeoutMs = 60_000, cwd, detached = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, detached, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** pg_ctl and initdb refuse to run as root, so run them as the postgres user then. */
function asPostgres(command, args) {
  if (!isRoot) return [command, args];
  if (which('runuser')) return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  const quoted = [command, ...args].map((a) => `'${String(a).replaceAll("'", `'\\''`)}'`).join(' ');
  return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
}

function postgresIds() {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root needs a "postgres" system user to own the test cluster (useradd -r postgres)');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Sends one RESP command over a fresh TCP connection; resolves with the raw reply ('' if the server closed). */
function redisCommand(port, args, timeoutMs = 2000) {
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

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function pgOptions(port, socketDir) {
  return [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
}

async function startPostgres(binDir, tmpDir) {
  const started = Date.now();
  const runDir = path.join(tmpDir, 'postgres');
  const dataDir = path.join(runDir, 'data');
  const socketDir = path.join(runDir, 'socket');
  const logFile = path.join(runDir, 'postgres.log');
  mkdirSync(socketDir, { recursive: true });
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(runDir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const initdb = await run(
    ...asPostgres(path.join(binDir, 'initdb'), [
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
  if (initdb.code !== 0) throw new Error(`initdb failed:\n${initdb.output}`);
  state.pg = { binDir, dataDir };

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = pgOptions(port, socketDir);
    const pgCtl = path.join(binDir, 'pg_ctl');
    // detached: the postmaster must not share our process group, or a terminal Ctrl-C
    // would kill it while vitest is still shutting down.
    const start = await run(
      ...asPostgres(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']),
      {
        cwd: runDir,
        detached: true,
      },
    );
    if (start.code === 0) {
      await waitFor('PostgreSQL', () => pgIsReady(binDir, port), 30_000);
      Object.assign(state.pg, { port, options });
      return { port, options, dataDir, ms: Date.now() - started };
    }
    const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (attempt >= 3) throw new Error(`pg_ctl start failed:\n${start.output}\n${serverLog}`);
    log(`PostgreSQL did not start on port ${port} (attempt ${attempt}), retrying on another port`);
  }
}

async function pgIsReady(binDir, port) {
  const tool = existsSync(path.join(binDir, 'pg_isready')) ? path.join(binDir, 'pg_isready') : 'pg_isready';
  const result = await run(tool, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {
    timeoutMs: 5000,
  });
  return result.code === 0;
}

async function startRedis(redisServer, tmpDir) {
  const started = Date.now();
  const dir = path.join(tmpDir, 'redis');
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
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
      path.join(dir, 'redis.pid'),
      '--dir',
      dir,
      '--logfile',
      path.join(dir, 'redis.log'),
    ];
    state.redis = { port, dir };
    const start = await run(redisServer, args, { cwd: dir });
    try {
      if (start.code !== 0) throw new Error(start.output);
      await waitFor('Redis', async () => (await redisCommand(port, ['PING'])).startsWith('+PONG'), 10_000);
      return { port, args, ms: Date.now() - started };
    } catch (error) {
      await stopRedisServer();
      if (attempt >= 3) throw new Error(`redis-server failed to start: ${error.message}`);
      log(`Redis did not start on port ${port} (attempt ${attempt}), retrying on another port`);
    }
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process still runs. A daemon that exited stays a zombie until PID 1 reaps it,
 * which some container inits do only every second or two: count zombies as gone.
 */
function isAlive(pid) {
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

function killPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

async function stopRedisServer() {
  if (!state.redis) return;
  const { port, dir } = state.redis;
  const pid = readPid(path.join(dir, 'redis.pid'));
  await redisCommand(port, ['SHUTDOWN', 'NOSAVE']).catch(() => undefined);
  if (pid && !(await waitForExit(pid, 5000))) killPid(pid, 'SIGKILL');
  state.redis = undefined;
}

async function stopPostgresServer() {
  if (!state.pg) return;
  const { binDir, dataDir } = state.pg;
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid && isAlive(pid)) {
    await run(...asPostgres(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '20', 'stop']), {
      cwd: path.dirname(dataDir),
      timeoutMs: 30_000,
    });
    // SIGQUIT is PostgreSQL's immediate shutdown; children exit with the postmaster.
    if (isAlive(pid)) killPid(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, 5000))) killPid(pid, 'SIGKILL');
  }
  state.pg = undefined;
}

/**
 * Stops servers that tests started with startExtraRedis()/startExtraPostgres() and did not
 * stop (a crashed worker, a missing afterAll). They live under TEST_TMP_DIR/extra.
 */
async function stopLeftoverExtras(tmpDir) {
  const extraRoot = path.join(tmpDir, 'extra');
  if (!existsSync(extraRoot)) return;
  for (const name of readdirSync(extraRoot)) {
    const dir = path.join(extraRoot, name);
    for (const [pidFile, signal] of [
      [path.join(dir, 'redis.pid'), 'SIGTERM'],
      [path.join(dir, 'data', 'postmaster.pid'), 'SIGQUIT'],
    ]) {
      const pid = readPid(pidFile);
      if (!pid || !isAlive(pid)) continue;
      log(`stopping a server a test left running (${pidFile})`);
      killPid(pid, signal);
      if (!(await waitForExit(pid, 5000))) killPid(pid, 'SIGKILL');
    }
  }
}

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  const { tmpDir } = state;
  if (tmpDir) await stopLeftoverExtras(tmpDir).catch((error) => log(`stopping leftover servers: ${error.message}`));
  await Promise.all([
    stopPostgresServer().catch((error) => log(`stopping PostgreSQL: ${error.message}`)),
    stopRedisServer().catch((error) => log(`stopping Redis: ${error.message}`)),
  ]);
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
}

/** Last resort when the process exits without cleanup() having finished: signal whatever is left. */
function cleanupSync() {
  if (!state.tmpDir || !existsSync(state.tmpDir)) return;
  if (state.pg) {
    const pid = readPid(path.join(state.pg.dataDir, 'postmaster.pid'));
    if (pid) killPid(pid, 'SIGQUIT');
  }
  if (state.redis) {
    const pid = readPid(path.join(state.redis.dir, 'redis.pid'));
    if (pid) killPid(pid, 'SIGKILL');
  }
  rmSync(state.tmpDir, { recursive: true, force: true });
}

function runVitest(env) {
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  if (!existsSync(vitest)) {
    log('vitest is not installed; run npm ci');
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...vitestArgs], { cwd: root, env, stdio: 'inherit' });
    state.vitest = child;
    child.on('error', (error) => {
      log(`could not run vitest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
}

let signalCount = 0;
function onSignal(signal) {
  signalCount++;
  const child = state.vitest;
  if (child && child.exitCode === null && child.signalCode === null) {
    // vitest finishes on the first signal; a second one means "now".
    child.kill(signalCount > 1 ? 'SIGKILL' : signal);
    return;
  }
  if (signalCount > 1) return;
  state.aborted = true;
  // Let a server that is starting finish first, or its detached process would outlive cleanup.
  void Promise.resolve(state.starting)
    .catch(() => undefined)
    .then(cleanup)
    .finally(() => process.exit(128 + os.constants.signals[signal]));
}

async function main() {
  if (process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL) {
    log('using TEST_DATABASE_URL and TEST_REDIS_URL from the environment');
    return runVitest(process.env);
  }
  const { pgBinDir, redisServer } = ensureBinaries();
  state.tmpDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-test-'));
  // The postgres user must be able to reach its folders inside.
  chmodSync(state.tmpDir, 0o755);
  mkdirSync(path.join(state.tmpDir, 'extra'), { mode: 0o755 });

  state.starting = Promise.all([startPostgres(pgBinDir, state.tmpDir), startRedis(redisServer, state.tmpDir)]);
  const [pg, redis] = await state.starting;
  if (state.aborted) return 1;
  log(`PostgreSQL ready on 127.0.0.1:${pg.port} in ${pg.ms} ms, Redis on 127.0.0.1:${redis.port} in ${redis.ms} ms`);

  return runVitest({
    ...process.env,
    TEST_DATABASE_URL: `postgresql://postgres@127.0.0.1:${pg.port}/postgres`,
    TEST_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    TEST_PG_DATA_DIR: pg.dataDir,
    TEST_PG_BIN_DIR: pgBinDir,
    TEST_PG_PORT: String(pg.port),
    TEST_PG_OPTIONS: pg.options,
    TEST_REDIS_PORT: String(redis.port),
    TEST_REDIS_ARGS: JSON.stringify(redis.args),
    TEST_REDIS_BIN: redisServer,
    TEST_TMP_DIR: state.tmpDir,
  });
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
process.on('exit', cleanupSync);

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
} finally {
  await cleanup();
}
process.exit(exitCode);
