// Health query throughput and latency over loopback vs a bare node:http server answering the same JSON
// (the floor). Each server runs in its own process; the load generator runs here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, runLoad, startChild } from './lib.js';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'health-servers.ts');
const body = JSON.stringify({ query: '{ health { status } }' });

const results: Record<string, string | number>[] = [];
const measured: Record<string, Awaited<ReturnType<typeof runLoad>>> = {};
for (const kind of ['bare', 'pharos'] as const) {
  const server = await startChild(script, { BENCH_SERVER: kind });
  const r = await runLoad({ url: `http://127.0.0.1:${server.port}/graphql`, body, concurrency, durationMs });
  await server.stop();
  measured[kind] = r;
  results.push({
    server: kind === 'bare' ? 'bare node:http (baseline)' : 'Pharos { health { status } }',
    'req/s': r.requestsPerSecond,
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    errors: r.errors,
  });
}
printTable(`health query, ${concurrency} concurrent, ${durationMs} ms`, results);
const [b, p] = [measured.bare!, measured.pharos!];
console.log(
  `throughput ratio Pharos/baseline: ${(p.requestsPerSecond / b.requestsPerSecond).toFixed(3)}; p50 added ${(p.p50 - b.p50).toFixed(3)} ms; p99 added ${(p.p99 - b.p99).toFixed(3)} ms`,
);
