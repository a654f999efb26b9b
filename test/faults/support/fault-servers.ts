/**
 * Servers a fault scenario may break: its own redis-server (with or without persistence) and its
 * own PostgreSQL cluster, on free loopback ports in temp folders, so killing them never disturbs the
 * shared TEST_DATABASE_URL / TEST_REDIS_URL other test files use. Everything is removed in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, registerCleanup, startExtraPostgres, type ExtraServer } from '../../support/services.js';

export interface FaultRedis {
  readonly url: string;
  readonly port: number;
  readonly persistence: 'none' | 'aof';
  /** SIGKILL: no shutdown save, connections drop at once. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (AOF replayed when persistent); resolves on PONG. */
  start(): Promise<void>;
  /** Sends one command and returns the raw RESP reply. */
  command(...args: string[]): Promise<string>;
}

/** Base folder for fault servers: inside TEST_TMP_DIR (swept by scripts/test.mjs) when set. */
export function faultTempDir(label: string): string {
  const base = path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'faults');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${label}-`));
  registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const liveRedis = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveRedis) child.kill('SIGKILL');
});

/**
 * A redis-server child process (foreground, so its pid and exit are ours). `persistence: 'aof'`
 * runs with `--appendonly yes --appendfsync always` (nothing acknowledged is lost on kill -9);
 * 'none' with `--save '' --appendonly no` (a restart is an empty Redis).
 */
export async function startFaultRedis(options: { persistence: 'none' | 'aof' }): Promise<FaultRedis> {
  const dir = faultTempDir('redis');
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
    ...(options.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const command = (...cmd: string[]) => redisCommand(port, cmd);
  const start = async (): Promise<void> => {
    if (child) return;
    const proc = spawn(process.env.TEST_REDIS_BIN ?? 'redis-server', args, { stdio: 'ignore', detached: true });
    child = proc;
    liveRedis.add(proc);
    exited = new Promise((resolve) =>
      proc.on('exit', () => {
        liveRedis.delete(proc);
        if (child === proc) child = null;
        resolve();
      }),
    );
    const deadline = Date.now() + 10_000;
    while (!(await command('PING').catch(() => '')).startsWith('+PONG')) {
      if (!child) throw new Error(`redis-server on port ${port} exited at start`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGKILL');
    await exited;
  };
  registerCleanup(kill);
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, persistence: options.persistence, kill, start, command };
}

/** Own PostgreSQL cluster (startExtraPostgres): `stop()` is `pg_ctl stop -m fast`, `start()` brings it back. */
export function startFaultPostgres(): Promise<ExtraServer> {
  return startExtraPostgres();
}

/** One RESP command on a fresh connection; resolves with the raw reply. */
function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('redis command timed out')));
    socket.on('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}
