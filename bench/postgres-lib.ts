// A throwaway PostgreSQL for benchmarks: BENCH_POSTGRES_URL when set (a server-level URL; a fresh
// database is created on it), else a temporary cluster from scripts/lib/services.mjs on a free
// loopback port, removed by stop().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPgBinDir, startPostgres, type PostgresServer } from '../scripts/lib/services.mjs';

export interface BenchPostgres {
  /** URL of a fresh, empty database. */
  readonly url: string;
  stop(): Promise<void>;
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
  const binDir = findPgBinDir();
  if (!binDir) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-pg-'));
  let server: PostgresServer | undefined;
  const stop = async (): Promise<void> => {
    try {
      await server?.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    server = await startPostgres({ binDir, dir, settings: { shared_buffers: '256MB' } });
    return { url: await createDatabase(server.url, name), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
