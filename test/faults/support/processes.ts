/**
 * The real Pharos processes for fault tests: `node --import tsx src/server/main.ts` (API) and
 * `node --import tsx src/worker/main.ts` (worker), one Node process each, so signals and exit codes
 * are the real ones. Every process is SIGKILLed in afterAll (and when the vitest worker exits).
 *
 *   const api = await spawnApi({ DATABASE_URL, REDIS_URL, ... });
 *   api.signal('SIGTERM'); const { code } = await api.exited;
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, registerCleanup } from '../../support/services.js';

const root = path.resolve(import.meta.dirname, '../../..');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds since `signal()` was last called (or since start when never signalled). */
  readonly afterSignalMs: number;
}

export interface PharosProcess {
  readonly kind: 'api' | 'worker' | 'script';
  readonly name: string;
  readonly proc: ChildProcess;
  /** Parsed JSON log lines from stdout (non-JSON lines as `{ msg }`). */
  readonly lines: Array<Record<string, unknown>>;
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
  readonly running: () => boolean;
  /** Sends a signal and remembers when, for `Exit.afterSignalMs`. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the first log line whose `msg` matches; rejects on timeout or exit. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The last lines of output, for failure messages. */
  tail(chars?: number): string;
  /** Log lines mentioning `text` (a resource id, say), as JSON, for failure messages. */
  linesAbout(text: string, max?: number): string;
}

export interface PharosApi extends PharosProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnPharos(
  kind: PharosProcess['kind'],
  name: string,
  args: string[],
  env: Record<string, string>,
): PharosProcess {
  const started = Date.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let signalledAt = started;
  const lines: Array<Record<string, unknown>> = [];
  let stdoutText = '';
  let stderrText = '';
  const waiters = new Set<{ test: RegExp; resolve: (line: Record<string, unknown>) => void }>();
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stdoutText = (stdoutText + text).slice(-64_000);
    buffer += text;
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
      for (const waiter of waiters) {
        if (waiter.test.test(String(line.msg))) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => (stderrText = (stderrText + chunk.toString('utf8')).slice(-64_000)));
  const exited = new Promise<Exit>((resolve) =>
    // 'close' (stdio drained), not 'exit': the last log lines are read before anyone looks at them.
    proc.on('close', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal, afterSignalMs: Date.now() - signalledAt });
    }),
  );
  const running = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const tail = (chars = 3000): string =>
    `--- ${name} stdout ---\n${stdoutText.slice(-chars)}\n--- ${name} stderr ---\n${stderrText.slice(-chars)}`;
  registerCleanup(async () => {
    if (running()) proc.kill('SIGKILL');
    await exited;
  });
  return {
    kind,
    name,
    proc,
    lines,
    stderr: () => stderrText,
    exited,
    running,
    signal(signal) {
      signalledAt = Date.now();
      proc.kill(signal);
    },
    waitForLog(msg, timeoutMs = 30_000) {
      const found = lines.find((line) => msg.test(String(line.msg)));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          test: msg,
          resolve: (line: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${name}: no log matching ${String(msg)} within ${timeoutMs} ms\n${tail()}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) before logging ${String(msg)}\n${tail()}`));
        });
      });
    },
    tail,
    linesAbout(text, max = 30) {
      const hits = lines.map((line) => JSON.stringify(line)).filter((line) => line.includes(text));
      return `--- ${name} lines about ${text} ---\n${hits.slice(-max).join('\n')}`;
    },
  };
}

/** Environment both process kinds share; `env` overrides it. */
export function pharosEnv(env: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DB_POOL_MIN: '0',
    DB_POOL_MAX: '5',
    // Generous budgets: fault scenarios measure availability, not rate limiting (except cluster.test.ts).
    RATE_LIMIT_FREE_PER_MINUTE: '100000',
    RATE_LIMIT_FREE_PER_HOUR: '1000000',
    RATE_LIMIT_FREE_PER_DAY: '10000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '1000000',
    RATE_LIMIT_ANONYMOUS_PER_DAY: '10000000',
    LOGIN_MAX_FAILURES: '1000',
    ALLOW_PRIVATE_URLS: 'true',
    WORKER_CONCURRENCY: '2',
    WORKER_STALL_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
    // Default 30 s; 5 s keeps recovery after Redis data loss inside the suite's time budget.
    RECONCILE_INTERVAL_MS: '5000',
    ...env,
  };
}

/**
 * Starts the API on a free port and resolves once GET /monitoring/health answers 200
 * (healthy or degraded). Rejects (and kills it) when it exits first or is not ready in `readyTimeoutMs`.
 */
export async function spawnApi(
  env: Record<string, string>,
  options: { name?: string; readyTimeoutMs?: number } = {},
): Promise<PharosApi> {
  const port = await freePort();
  const name = options.name ?? `api:${port}`;
  const child = spawnPharos(
    'api',
    name,
    ['src/server/main.ts'],
    pharosEnv({ HOST: '127.0.0.1', ...env, PORT: String(port) }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const api: PharosApi = {
    ...child,
    port,
    baseUrl,
    url: `${baseUrl}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
  };
  await waitForHealthy(api, options.readyTimeoutMs ?? 45_000);
  return api;
}

/** Polls /monitoring/health until it answers 200; rejects when the process exits or time runs out. */
export async function waitForHealthy(api: PharosApi, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!api.running()) {
      const { code, signal } = await api.exited;
      throw new Error(`${api.name} exited (${code ?? signal}) before it was ready\n${api.tail()}`);
    }
    const res = await fetch(`${api.baseUrl}/monitoring/health`, { signal: AbortSignal.timeout(2_000) }).catch(
      () => null,
    );
    if (res?.status === 200) return;
    if (Date.now() > deadline) {
      api.proc.kill('SIGKILL');
      throw new Error(`${api.name} not healthy within ${timeoutMs} ms (last status ${res?.status})\n${api.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a worker and resolves once it logs that it is ready (model loaded, queue connected). */
export async function spawnWorker(
  env: Record<string, string>,
  options: { name?: string; readyTimeoutMs?: number } = {},
): Promise<PharosProcess> {
  const worker = spawnPharos(
    'worker',
    options.name ?? 'worker',
    ['src/worker/main.ts'],
    pharosEnv({ DB_AUTO_MIGRATE: 'false', ...env }),
  );
  await worker.waitForLog(/\bready\b/i, options.readyTimeoutMs ?? 45_000).catch((err: unknown) => {
    worker.proc.kill('SIGKILL');
    throw err;
  });
  return worker;
}

/** Runs a script (`scripts/db-migrate.ts`, …) to completion and returns its exit and output. */
export async function runScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawnPharos('script', path.basename(script), [script], env);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return { ...exit, stdout: child.lines.map((l) => String(l.msg)).join('\n'), stderr: child.stderr() };
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`, reported as such). */
export async function terminate(child: PharosProcess, timeoutMs = 20_000): Promise<Exit> {
  child.signal('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return exit;
}
