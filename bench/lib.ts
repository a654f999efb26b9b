// Small helpers shared by the benchmarks: latency statistics, a closed-loop HTTP load generator and printing.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRedisServer, startRedis } from '../scripts/lib/services.mjs';

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** Percentiles (ms) of a list of samples in ms (nearest-rank). */
export function stats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
  return {
    count: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    max: s[s.length - 1] ?? 0,
  };
}

export interface LoadResult extends LatencyStats {
  readonly requestsPerSecond: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Concurrent in-flight requests (closed loop). */
  readonly concurrency: number;
  readonly durationMs: number;
  readonly warmupMs?: number;
  /** Response status considered a success (default 200). */
  readonly okStatus?: number;
}

/** Closed-loop load over keep-alive connections; returns throughput and latency percentiles (ms). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const body = options.body ? Buffer.from(options.body) : undefined;
  const headers = {
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
    ...options.headers,
  };
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: options.method ?? (body ? 'POST' : 'GET'),
          headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const phase = async (ms: number, record: boolean) => {
    const samples: number[] = [];
    let errors = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          try {
            const status = await once();
            if (status !== (options.okStatus ?? 200)) errors++;
          } catch {
            errors++;
          }
          if (record) samples.push(performance.now() - t);
        }
      }),
    );
    return { samples, errors };
  };
  await phase(options.warmupMs ?? 1_000, false);
  const started = performance.now();
  const { samples, errors } = await phase(options.durationMs, true);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { ...stats(samples), requestsPerSecond: samples.length / elapsed, errors };
}

/** Prints one titled table of rows. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n## ${title}`);
  console.table(
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]))),
  );
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/** A server started in a child process by `startChild`. */
export interface ChildServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Runs `script` (a .ts file) in its own Node process with tsx, waiting for it to print `PORT=<n>`.
 * Servers under test run apart from the load generator so they do not share one event loop.
 */
export async function startChild(script: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += String(d);
      const m = /PORT=(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A free TCP port on loopback (closed again before returning). */
export { freePort } from '../scripts/lib/services.mjs';

/**
 * Starts a throwaway redis-server on a free loopback port without persistence, waiting until it answers
 * PING. Returns null when redis-server is not installed. `stop()` signals it and deletes its folder.
 */
export async function startBenchRedis(): Promise<{ url: string; stop(): void } | null> {
  const binary = findRedisServer();
  if (!binary) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-redis-'));
  const server = await startRedis({ binary, dir }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    stop: () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
