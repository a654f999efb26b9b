// Worker cold start: from process spawn to the "worker ready" log line (database connected and migrated,
// embedding model loaded, taxonomy embedded, queue ready), and memory after ready. Embedded configuration
// (SQLite, in-process queue) so nothing but this machine is needed. The first start builds the default
// 50k-word model (reported apart); later starts load it. Baseline in the same run: spawning the same
// `node --import tsx` process that only prints a line (the runtime's own start-up floor).
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, stats } from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-worker-'));

interface Start {
  ms: number;
  line: Record<string, unknown>;
}

function startOnce(
  args: string[],
  env: Record<string, string>,
  until: (line: Record<string, unknown>) => boolean,
): Promise<Start> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let err = '';
    let done: Start | null = null;
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (const raw of buffer.split('\n').slice(0, -1)) {
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          line = { msg: raw };
        }
        if (!done && until(line)) {
          done = { ms: performance.now() - t, line };
          child.kill('SIGTERM');
          return;
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.on('exit', (code) =>
      done ? resolve(done) : reject(new Error(`exited ${code} before ready: ${err.slice(-1000)}`)),
    );
  });
}

const env = (i: number) => ({
  NODE_ENV: 'production',
  JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
  DATABASE_URL: `file:${path.join(dir, `db-${i}.db`)}`,
  EMBEDDING_MODEL_PATH: path.join(dir, 'models'),
  LOG_LEVEL: 'info',
});
const ready = (l: Record<string, unknown>) => l.msg === 'worker ready';

try {
  const first = await startOnce(['--import', 'tsx', 'src/worker/main.ts'], env(0), ready);
  const warm: Start[] = [];
  for (let i = 1; i <= runs; i++) warm.push(await startOnce(['--import', 'tsx', 'src/worker/main.ts'], env(i), ready));
  const base: number[] = [];
  for (let i = 0; i < runs; i++)
    base.push((await startOnce(['--import', 'tsx', '-e', 'console.log("up")'], {}, (l) => l.msg === 'up')).ms);
  // What `npm run worker` runs in production: the compiled build (built here first), against a bare `node -e`.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  const compiled: Start[] = [];
  for (let i = 1; i <= runs; i++) compiled.push(await startOnce(['dist/src/worker/main.js'], env(100 + i), ready));
  const bareNode: number[] = [];
  for (let i = 0; i < runs; i++)
    bareNode.push((await startOnce(['-e', 'console.log(JSON.stringify({msg:"up"}))'], {}, (l) => l.msg === 'up')).ms);
  const c = stats(compiled.map((s) => s.ms));
  const bn = stats(bareNode);
  const lastCompiled = compiled[compiled.length - 1]!.line;
  const w = stats(warm.map((s) => s.ms));
  const b = stats(base);
  const last = warm[warm.length - 1]!.line;
  printTable('worker cold start (spawn → "worker ready")', [
    {
      case: 'first start (builds the 50k model)',
      ms: first.ms,
      rssMb: Number(first.line.rssMb),
      heapUsedMb: Number(first.line.heapUsedMb),
    },
    { case: `later starts, p50 of ${runs}`, ms: w.p50, rssMb: Number(last.rssMb), heapUsedMb: Number(last.heapUsedMb) },
    { case: `baseline: node --import tsx, p50 of ${runs}`, ms: b.p50, rssMb: 0, heapUsedMb: 0 },
    {
      case: `compiled (npm run worker), p50 of ${runs}`,
      ms: c.p50,
      rssMb: Number(lastCompiled.rssMb),
      heapUsedMb: Number(lastCompiled.heapUsedMb),
    },
    { case: `baseline: bare node, p50 of ${runs}`, ms: bn.p50, rssMb: 0, heapUsedMb: 0 },
  ]);
  console.log(`ratio (compiled worker start p50 / bare node p50): ${(c.p50 / bn.p50).toFixed(2)}x`);
  console.log(
    `ratio (worker start p50 / bare tsx process p50): ${(w.p50 / b.p50).toFixed(2)}x; seed budget < 30000 ms, aim < 3000 ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
