/**
 * Worker child processes (`node --import tsx src/worker/main.ts`) and a graphql-ws progress watcher
 * for end-to-end tests. Every process and client is stopped in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApi } from '../support/api.js';
import { registerCleanup } from '../support/services.js';
import { testEmbeddingEnv } from '../support/test-model.js';

export interface WorkerProcess {
  readonly proc: ChildProcess;
  readonly lines: Array<Record<string, unknown>>;
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const root = path.resolve(import.meta.dirname, '../..');

/** Starts a worker against the API's database and Redis (same key prefix), 5k test model, loopback allowed. */
export function spawnWorker(api: TestApi, env: Record<string, string> = {}): WorkerProcess {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: api.config.database.url.reveal(),
    REDIS_URL: api.config.redis.url!.reveal(),
    REDIS_KEY_PREFIX: api.config.redis.keyPrefix,
    DB_AUTO_MIGRATE: 'false',
    DB_POOL_MIN: '0',
    ALLOW_PRIVATE_URLS: 'true',
    WORKER_CONCURRENCY: '2',
    WORKER_STALL_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'info',
    ...testEmbeddingEnv(),
    ...env,
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const waiters: Array<{
    test: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }> = [];
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part) as Record<string, unknown>;
      } catch {
        line = { msg: part };
      }
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': 'exit' can come before the last stdout lines were read (the final log line went missing).
    proc.on('close', (code, signal) => resolve({ code, signal })),
  );
  registerCleanup(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  });
  return {
    proc,
    lines,
    stderr,
    exited,
    waitForLog(msg, timeoutMs = 30_000) {
      const test = (l: Record<string, unknown>) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg)));
      const found = lines.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no log "${String(msg)}" within ${timeoutMs} ms; stderr: ${stderr.join('').slice(-2000)}`),
            ),
          timeoutMs,
        );
        waiters.push({ test, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(({ code }) =>
          reject(new Error(`worker exited (${code}) before "${String(msg)}"; stderr: ${stderr.join('').slice(-2000)}`)),
        );
      });
    },
  };
}

export interface ProgressEvent {
  overallStatus: string;
  error: string | null;
  stages: Array<{ stage: string; status: string; attempt: number; error: string | null }>;
}

const PROGRESS_FIELDS = 'overallStatus error stages { stage status attempt error }';

/** Subscribes to resourceProgress(id) over graphql-ws and collects every event. */
export function watchProgress(api: TestApi, token: string, id: string) {
  const client = createClient({
    url: api.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const events: ProgressEvent[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ resourceProgress: ProgressEvent }>(
    { query: `subscription($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`, variables: { id } },
    {
      next: (m) => (m.data ? events.push(m.data.resourceProgress) : errors.push(m.errors)),
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  const close = async () => {
    stop();
    await client.dispose();
  };
  registerCleanup(close);
  return {
    events,
    errors,
    close,
    /** Resolves with the first event satisfying `test`. */
    async until(test: (e: ProgressEvent) => boolean, timeoutMs = 30_000): Promise<ProgressEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find(test);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `progress condition not met; last: ${JSON.stringify(events.at(-1))}; errors: ${JSON.stringify(errors)}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

export const isFinal = (e: ProgressEvent) => e.overallStatus === 'COMPLETED' || e.overallStatus === 'FAILED';
