import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestSqliteUrl, freePort } from '../support/services.js';

const root = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the API entry point (`src/server/main.ts` under tsx) with `env`; `whileRunning` may poke it. */
function runMain(
  env: Record<string, string>,
  whileRunning?: (child: ReturnType<typeof spawn>, output: () => string) => Promise<void>,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.on('error', reject);
    // 'close' (stdio drained), not 'exit': stdout may still hold the last lines at 'exit'.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.(child, () => stdout).catch((err: unknown) => {
      child.kill('SIGKILL');
      reject(err as Error);
    });
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API process', () => {
  it('exits 1 with one clear line when the database stays unreachable, never printing the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await runMain({
      DATABASE_URL: `postgresql://pharos:hunter2-secret@127.0.0.1:${port}/knowledge`,
      DB_CONNECT_TIMEOUT_MS: '1500',
    });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(r.stderr).toMatch(
      new RegExp(
        `Database unreachable after \\d+ attempts \\(host=127.0.0.1 port=${port} database=knowledge\\): (DatabaseNotReachable|.*ECONNREFUSED)`,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
    expect(r.stdout).toContain('database unreachable, retrying');
  }, 30_000);

  it('exits 1 naming every bad variable', async () => {
    const r = await runMain({ PORT: 'abc', JWT_ALGORITHM: 'none' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('JWT_ALGORITHM');
  }, 30_000);

  it('starts on embedded SQLite, serves the health query and shuts down cleanly on SIGTERM', async () => {
    const { url } = createTestSqliteUrl();
    const port = await freePort();
    const r = await runMain({ DATABASE_URL: url, PORT: String(port) }, async (child, out) => {
      await waitFor(() => out().includes('Pharos API ready'), 30_000);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ health { status components { database redis queue } } }' }),
      });
      const body = (await res.json()) as { data: { health: { status: string; components: Record<string, string> } } };
      expect(body.data.health.status).toBe('healthy');
      expect(body.data.health.components.database).toBe('up');
      expect(body.data.health.components.redis).toBe('disabled');
      child.kill('SIGTERM');
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('shutdown complete');
  }, 60_000);

  it('reports a refused login (unknown role or wrong password) at once as an authentication failure, not "unreachable"', async () => {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('TEST_DATABASE_URL is required (npm test starts PostgreSQL)');
    const url = new URL(base);
    url.username = 'no_such_role';
    url.password = 'hunter2-secret';
    const started = Date.now();
    const r = await runMain({ DATABASE_URL: url.toString(), DB_CONNECT_TIMEOUT_MS: '20000' });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^API failed to start: Database refused the connection \(host=.* port=\d+ database=.*\): authentication failed/,
      ),
    ]);
    expect(r.stdout).not.toContain('database unreachable, retrying');
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  }, 30_000);

  it('names a busy port in one line before touching the database', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const { url } = createTestSqliteUrl();
    try {
      const r = await runMain({ DATABASE_URL: url, PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `API failed to start: port ${port} is already in use on 127.0.0.1 (set PORT to another one)`,
      ]);
      expect(existsSync(url.slice('file:'.length))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);

  it('retries an unreachable Redis with backoff, then exits 1 with one line', async () => {
    const { url } = createTestSqliteUrl();
    const redisPort = await freePort();
    const r = await runMain({
      DATABASE_URL: url,
      PORT: String(await freePort()),
      REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${redisPort}`,
      DB_CONNECT_TIMEOUT_MS: '1500',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^API failed to start: Redis unreachable after \\d+ attempts \\(host=127.0.0.1 port=${redisPort}\\): .*ECONNREFUSED`,
        ),
      ),
    ]);
    expect(r.stdout).toContain('redis unreachable, retrying');
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  }, 30_000);

  it('prints the unreachable-database line once (stderr), not also as a log line', async () => {
    const port = await freePort();
    const r = await runMain({
      DATABASE_URL: `postgresql://pharos@127.0.0.1:${port}/knowledge`,
      DB_CONNECT_TIMEOUT_MS: '500',
    });
    expect(r.code).toBe(1);
    expect((r.stdout + r.stderr).match(/Database unreachable after/g)).toHaveLength(1);
  }, 30_000);
});
