// Throughput of the whole pipeline: 200 texts of about 5 KB through all five stages with one worker
// (the in-process queue, WORKER_CONCURRENCY=2, SQLite, the default 50k-word model), resources per second
// and p50 per stage. Baseline in the same run: the embedding model alone on the same texts (chunking +
// embedding every chunk), i.e. the floor any pipeline with this model pays.
import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { chunkText } from '../src/modules/processing/embedding/chunk-text.js';
import { createProgressPersistence } from '../src/modules/resources/progress/index.js';
import { applyMigrations, createDatabase, pingDatabase } from '../src/shared/database/index.js';
import { loadEmbeddingService } from '../src/shared/embeddings/index.js';
import { createLogger } from '../src/shared/logger.js';
import { createInProcessJobQueue, DEFAULT_RETRY_POLICY } from '../src/shared/queue/index.js';
import { createInProcessStatusTracking, type StatusTracker } from '../src/shared/status-tracker/index.js';
import { createLifetime, startProcessing } from '../src/bootstrap/index.js';
import { createInitSteps } from '../src/bootstrap/init-steps.js';
import { CELL_BIOLOGY, PHOTOSYNTHESIS, STOCK_MARKETS } from '../test/processing/fixtures.js';
import { printTable, stats } from './lib.js';

const COUNT = Number(process.env.BENCH_RESOURCES ?? 200);
const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-pipeline-'));
const modelsDir = process.env.BENCH_MODELS_DIR ?? path.join(dir, 'models');

// ~5 KB texts: sentences of three subjects in a per-text order, so texts differ and clusters exist.
const sentences = [PHOTOSYNTHESIS, CELL_BIOLOGY, STOCK_MARKETS].map((t) =>
  t.replace(/^# .*\n/, '').split(/(?<=\.)\s+/),
);
function text(i: number): string {
  const pool = sentences[i % 3]!;
  const out: string[] = [`Document ${i}.`];
  let k = i;
  while (out.join(' ').length < 5_000) {
    k = (k * 7 + 3) % pool.length;
    out.push(pool[k]!);
    if (out.length % 6 === 0) out.push(sentences[(i + 1) % 3]![k % sentences[(i + 1) % 3]!.length]!);
  }
  return out.join(' ');
}
const texts = Array.from({ length: COUNT }, (_, i) => text(i));

const config = loadConfig({
  NODE_ENV: 'production',
  JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
  DATABASE_URL: `file:${path.join(dir, 'bench.db')}`,
  EMBEDDING_MODEL_PATH: modelsDir,
  LOG_LEVEL: 'warn',
  WORKER_CONCURRENCY: '2',
});
const logger = createLogger({ level: 'warn' });
try {
  await applyMigrations({ url: config.database.url.reveal() });
  const db = createDatabase({ url: config.database.url.reveal() });
  await pingDatabase(db);
  const embeddings = await loadEmbeddingService({
    model: config.embeddings.model,
    modelPath: modelsDir,
    allowRemote: false,
    vocabularySize: config.embeddings.vocabularySize,
  });

  // Baseline: the model alone on the same texts.
  const tBase = performance.now();
  for (const t of texts) await embeddings.embed(chunkText(t));
  const baseMs = performance.now() - tBase;

  const tracking = createInProcessStatusTracking({
    ttlSeconds: 3600,
    persistence: createProgressPersistence(db.prisma),
    logger,
  });
  const started = new Map<string, number>();
  const perStage = new Map<string, number[]>();
  const done = new Set<string>();
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const tracker: StatusTracker = {
    ...tracking.tracker,
    async setProgress(id, stage, status, opts) {
      const key = `${id}:${stage}`;
      if (status === 'PROCESSING') started.set(key, performance.now());
      else if (status === 'COMPLETED')
        perStage.set(stage, [...(perStage.get(stage) ?? []), performance.now() - started.get(key)!]);
      const snapshot = await tracking.tracker.setProgress(id, stage, status, opts);
      if (snapshot.overallStatus === 'COMPLETED' || snapshot.overallStatus === 'FAILED') {
        done.add(id);
        if (done.size === COUNT) resolveAll();
      }
      return snapshot;
    },
  };
  const queue = createInProcessJobQueue({ logger });
  const owner = await db.prisma.user.create({ data: { email: 'bench@example.test' } });
  const ids: string[] = [];
  for (const t of texts) ids.push((await db.prisma.resource.create({ data: { ownerId: owner.id, content: t } })).id);
  // The worker's processing loop on this bench's own pieces (so the tracker can time each stage).
  const lifetime = createLifetime(logger);
  const worker = await startProcessing(
    {
      config,
      logger,
      mode: 'embedded',
      role: 'worker',
      db,
      redis: null,
      progress: { ...tracking, tracker: { ...tracking.tracker, ...tracker } },
      queue,
      embeddings,
      retryPolicy: DEFAULT_RETRY_POLICY,
      steps: createInitSteps(logger),
      lifetime,
    },
    { recover: false },
  );
  const t0 = performance.now();
  for (const id of ids) await queue.enqueueProcessResource({ resourceId: id });
  await all;
  const totalMs = performance.now() - t0;
  await worker.stop();
  await lifetime.close();
  const failed = await db.prisma.resource.count({ where: { overallStatus: 'FAILED' } });

  printTable(`pipeline: ${COUNT} texts of ~5 KB, one worker (concurrency 2), SQLite, ${embeddings.modelId} 50k`, [
    { case: 'all five stages', totalMs, resourcesPerSecond: (COUNT * 1000) / totalMs, failed },
    {
      case: 'baseline: embedding model alone',
      totalMs: baseMs,
      resourcesPerSecond: (COUNT * 1000) / baseMs,
      failed: 0,
    },
  ]);
  printTable(
    'p50 / p95 per stage (ms)',
    [...perStage].map(([stage, xs]) => ({ stage, p50: stats(xs).p50, p95: stats(xs).p95 })),
  );
  console.log(`ratio (pipeline time / embedding-only time): ${(totalMs / baseMs).toFixed(2)}x`);
  await tracking.close();
  await embeddings.close();
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
