#!/usr/bin/env node
// `npm test`: runs vitest against a real PostgreSQL 15 and Redis 7.
//
// With TEST_DATABASE_URL and TEST_REDIS_URL both set, those servers are used as they are.
// Otherwise a throwaway PostgreSQL cluster and Redis server are started on free loopback
// ports in a temp folder (scripts/lib/services.mjs), exported to the tests as TEST_* variables
// (see test/support/services.ts), and always stopped and deleted afterwards, also on
// SIGINT/SIGTERM and on failure. Extra arguments go to `vitest run`:
//   npm test -- test/support          npm test -- -t 'rate limit'
// A run without arguments measures V8 coverage of src/ and fails below the thresholds in
// vitest.config.ts; TEST_COVERAGE=0 turns that off, TEST_COVERAGE=1 turns it on for a partial run.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinaries, killServersUnder, startPostgres, startRedis, stopServersUnder } from './lib/services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;
const INSTALL_COMMAND = 'apt-get update && apt-get install -y postgresql redis-server';

const log = (message) => console.error(`test.mjs: ${message}`);

/** Everything started so far, so cleanup knows what to stop. */
const state = {
  tmpDir: undefined,
  /** @type {import('./lib/services.mjs').PostgresServer | undefined} */
  pg: undefined,
  /** @type {import('./lib/services.mjs').RedisServer | undefined} */
  redis: undefined,
  starting: undefined,
  aborted: false,
  vitest: undefined,
  cleaned: false,
};

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

/** Times one server start, keeping its handle in `state` as soon as it runs. */
async function timed(key, start) {
  const started = Date.now();
  const server = await start();
  state[key] = server;
  return { server, ms: Date.now() - started };
}

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  const { tmpDir } = state;
  if (!tmpDir) return;
  // Servers that tests started with startExtraRedis()/startExtraPostgres() and did not stop
  // (a crashed worker, a missing afterAll) live under TEST_TMP_DIR/extra.
  const leftovers = await stopServersUnder(path.join(tmpDir, 'extra'));
  for (const file of leftovers) log(`stopped a server a test left running (${file})`);
  await Promise.all([
    state.pg?.stop().catch((error) => log(`stopping PostgreSQL: ${error.message}`)),
    state.redis?.stop().catch((error) => log(`stopping Redis: ${error.message}`)),
  ]);
  // Anything else, e.g. a half-started server of a failed attempt.
  await stopServersUnder(tmpDir);
  removeTmpDir();
}

/**
 * Deletes the run folder. An initdb that a test started just before an interrupt runs detached
 * and may still be writing into it: retry a few times, and never let cleanup throw.
 */
function removeTmpDir() {
  try {
    rmSync(state.tmpDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    log(`could not delete ${state.tmpDir}: ${error.message}`);
  }
}

/** Last resort when the process exits without cleanup() having finished: signal whatever is left. */
function cleanupSync() {
  if (!state.tmpDir || !existsSync(state.tmpDir)) return;
  killServersUnder(state.tmpDir);
  removeTmpDir();
}

/** `--coverage` for a full run (no arguments) unless TEST_COVERAGE=0; TEST_COVERAGE=1 forces it. */
function coverageArgs() {
  const wanted = process.env.TEST_COVERAGE;
  if (wanted === '0' || (wanted !== '1' && vitestArgs.length > 0)) return [];
  return ['--coverage'];
}

function runVitest(env) {
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  if (!existsSync(vitest)) {
    log('vitest is not installed; run npm ci');
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...coverageArgs(), ...vitestArgs], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
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

  state.starting = Promise.all([
    timed('pg', () =>
      startPostgres({
        binDir: pgBinDir,
        dir: path.join(state.tmpDir, 'postgres'),
        maxConnections: 300,
        onRetry: log,
      }),
    ),
    timed('redis', () => startRedis({ binary: redisServer, dir: path.join(state.tmpDir, 'redis'), onRetry: log })),
  ]);
  const [{ server: pg, ms: pgMs }, { server: redis, ms: redisMs }] = await state.starting;
  if (state.aborted) return 1;
  log(`PostgreSQL ready on 127.0.0.1:${pg.port} in ${pgMs} ms, Redis on 127.0.0.1:${redis.port} in ${redisMs} ms`);

  return runVitest({
    ...process.env,
    TEST_DATABASE_URL: pg.url,
    TEST_REDIS_URL: redis.url,
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
