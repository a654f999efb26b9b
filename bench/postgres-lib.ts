// A throwaway PostgreSQL for benchmarks: BENCH_POSTGRES_URL when set (a server-level URL; a fresh
// database is created on it), else a temporary cluster started with initdb/pg_ctl on a free loopback
// port (as the postgres user when running as root) and removed by stop().
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './lib.js';

export interface BenchPostgres {
  /** URL of a fresh, empty database. */
  readonly url: string;
  stop(): Promise<void>;
}

function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  return null;
}

const isRoot = process.getuid?.() === 0;
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts (or reuses) a server and returns a fresh database on it; null when PostgreSQL is not installed. */
export async function startBenchPostgres(name = `pharos_bench_${process.pid}`): Promise<BenchPostgres | null> {
  const given = process.env.BENCH_POSTGRES_URL;
  if (given) {
    const url = await createDatabase(given, name);
    return {
      url,
      async stop() {
        const client = new pg.Client({ connectionString: given });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
      },
    };
  }
  const bin = pgBinDir();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-pg-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  mkdirSync(socket);
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
    chownSync(socket, uid, gid);
  }
  const init = spawnSync(
    ...asPostgres(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const options = `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB`;
  const start = spawnSync(
    ...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', options, 'start']),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}`);
  const url = await createDatabase(`postgresql://postgres@127.0.0.1:${port}/postgres`, name);
  return {
    url,
    async stop() {
      spawnSync(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
