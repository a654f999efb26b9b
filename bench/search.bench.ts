// Search and listing at 1,000 and 10,000 resources (issue 7), on SQLite and on PostgreSQL.
// A generated corpus (scripts/generate-corpus.ts: real text and real chunk vectors from the default
// embedding model) is written straight into the database for one owner. Measured in-process through the
// slice's services and its GraphQL schema (no HTTP, no auth, so the figures are the slice's own cost;
// pages run `execute` on a document parsed and validated once, as Apollo's document cache does):
//   - KEYWORD, SEMANTIC and HYBRID `search` (limit 10) over 40 queries, warm vector cache;
//   - a 100-item `resources` page with categories and related(limit: 5), with and without totalCount;
//   - the cold vector-cache load (first semantic query after a write).
// Baseline in the same run: the bare SQL keyword query (the engine's ranked match, limit 10).
// Env: BENCH_SEARCH_SIZES (default "1000,10000"), BENCH_SEARCH_ROUNDS (default 200), BENCH_POSTGRES_URL.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execute, parse, validate } from 'graphql';
import { generateCorpus, TOPICS } from '../scripts/generate-corpus.js';
import {
  applyMigrations,
  createDatabase,
  findProjectRoot,
  pingDatabase,
  type DatabaseHandle,
} from '../src/shared/database/index.js';
import { createRequestContext, type RequestContext, type Viewer } from '../src/shared/context.js';
import { DEFAULT_EMBEDDING_MODEL, loadEmbeddingService } from '../src/shared/embeddings/index.js';
import { createLogger } from '../src/shared/logger.js';
import { createInProcessStatusTracking } from '../src/shared/status-tracker/index.js';
import { createResourcesModule, keywordSql, searchResources, SearchMode } from '../src/modules/resources/index.js';
import { contentTerms, searchTerms } from '../src/modules/resources/search/search-terms.js';
import { buildAppSchema } from '../src/server/build-schema.js';
import { createInProcessJobQueue } from '../src/shared/queue/index.js';
import { printTable, round, stats } from './lib.js';
import { startBenchPostgres } from './postgres-lib.js';

const SIZES = (process.env.BENCH_SEARCH_SIZES ?? '1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 200);
const logger = createLogger({ level: 'silent' });

const QUERIES: string[] = [
  ...TOPICS.slice(0, 24).map((t, i) => `${t.words[i % t.words.length]} ${t.words[(i * 7 + 3) % t.words.length]}`),
  'how do plants grow in sunlight',
  'why the stock market crashed',
  'training a neural network on data',
  'warming oceans and dying reefs',
  'ancient tombs of egyptian kings',
  'tips to sleep better at night',
  'range of an electric car battery',
  'what happens when a volcano erupts',
  'best chess openings for beginners',
  'keeping my accounts safe online',
  'fresh pasta with tomato sauce',
  'solar power for the home grid',
  'fossils of extinct reptiles',
  'how bees make honey in the hive',
  'brewing strong coffee at home',
  'court trial and the verdict',
];

const PAGE = `query Page($orderBy: ResourceOrder, $after: String) {
  resources(first: 100, orderBy: $orderBy, after: $after) {
    pageInfo { endCursor }
    edges { node { id title createdAt quality { overall }
      categories { category { id name path } confidence }
      related(limit: 5) { resource { id title } weight kind } } }
  }
}`;
const PAGE_COUNT = PAGE.replace('pageInfo { endCursor }', 'pageInfo { endCursor } totalCount');

function context(viewer: Viewer): RequestContext {
  return createRequestContext({
    requestId: 'bench',
    logger,
    transport: 'http',
    ip: '127.0.0.1',
    userAgent: null,
    viewer,
    authError: null,
  });
}

async function time(rounds: number, run: (i: number) => Promise<unknown>): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < Math.min(20, rounds); i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

const embeddings = await loadEmbeddingService({
  model: DEFAULT_EMBEDDING_MODEL,
  modelPath: path.join(findProjectRoot(), 'data', 'models'),
  allowRemote: false,
});
const summary: Record<string, string | number>[] = [];

for (const provider of ['sqlite', 'postgresql'] as const) {
  let url: string;
  let cleanup: () => Promise<void>;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'pharos-bench-search-'));
    url = `file:${path.join(dir, 'bench.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const server = await startBenchPostgres();
    if (!server) {
      console.log('PostgreSQL not installed: skipped the PostgreSQL half');
      continue;
    }
    url = server.url;
    cleanup = () => server.stop();
  }
  let db: DatabaseHandle | null = null;
  const tracking = createInProcessStatusTracking({ ttlSeconds: 3600, persistence: null, logger });
  try {
    await applyMigrations({ url });
    db = createDatabase({ url, poolMin: 1, poolMax: 10 });
    await pingDatabase(db);
    const user = await db.prisma.user.create({ data: { email: `bench-${Date.now()}@example.test` } });
    const viewer: Viewer = { userId: user.id, tier: 'FREE', tokenId: null, expiresAt: null };
    const module = createResourcesModule({
      db,
      progress: tracking.tracker,
      queue: createInProcessJobQueue({ logger }),
      embeddings,
      vectorCacheBytes: 256 * 1024 * 1024,
      logger,
    });
    const schema = await buildAppSchema([module]);
    const deps = { db, embeddings, vectors: module.vectors };
    let size = 0;
    for (const target of SIZES) {
      const t0 = performance.now();
      await generateCorpus({ prisma: db.prisma, ownerId: user.id, count: target - size, embeddings, start: size });
      if (provider === 'postgresql') await db.prisma.$executeRawUnsafe('ANALYZE');
      const buildSeconds = (performance.now() - t0) / 1000;
      size = target;

      const baseline = await time(ROUNDS, (i) => {
        const { sql, args } = keywordSql(db!, {
          ownerId: user.id,
          terms: contentTerms(searchTerms(QUERIES[i % QUERIES.length]!)),
          match: 'any',
          limit: 10,
        });
        return db!.prisma.$queryRawUnsafe(sql, ...args);
      });
      module.vectors.clear();
      const c0 = performance.now();
      await searchResources(deps, { viewer, query: 'cold cache', mode: SearchMode.SEMANTIC });
      const coldMs = performance.now() - c0;
      const modes: Record<string, ReturnType<typeof stats>> = {};
      for (const mode of [SearchMode.KEYWORD, SearchMode.SEMANTIC, SearchMode.HYBRID]) {
        modes[mode] = await time(ROUNDS, (i) =>
          searchResources(deps, { viewer, query: QUERIES[i % QUERIES.length]!, mode, limit: 10 }),
        );
      }
      const orders = ['CREATED_AT', 'UPDATED_AT', 'QUALITY', 'TITLE'].flatMap((field) =>
        ['ASC', 'DESC'].map((direction) => ({ field, direction })),
      );
      // Parsed and validated once, as Apollo Server's document cache does for a repeated operation.
      const documents = new Map([PAGE, PAGE_COUNT].map((source) => [source, parse(source)]));
      for (const document of documents.values()) {
        const errors = validate(schema, document);
        if (errors.length > 0) throw errors[0]!;
      }
      const page = async (source: string, i: number) => {
        const res = await execute({
          schema,
          document: documents.get(source)!,
          variableValues: { orderBy: orders[i % orders.length] },
          contextValue: context(viewer),
        });
        if (res.errors) throw res.errors[0];
        return res;
      };
      const list = await time(ROUNDS, (i) => page(PAGE, i));
      const listCount = await time(ROUNDS, (i) => page(PAGE_COUNT, i));

      const rows: Record<string, string | number>[] = [
        {
          operation: 'baseline: bare SQL keyword query',
          p50: round(baseline.p50),
          p95: round(baseline.p95),
          'p95 ÷ baseline p95': 1,
        },
        ...Object.entries(modes).map(([mode, s]) => ({
          operation: `search ${mode}`,
          p50: round(s.p50),
          p95: round(s.p95),
          'p95 ÷ baseline p95': round(s.p95 / baseline.p95, 1),
        })),
        {
          operation: 'resources page (100, categories, related)',
          p50: round(list.p50),
          p95: round(list.p95),
          'p95 ÷ baseline p95': round(list.p95 / baseline.p95, 1),
        },
        {
          operation: '… with totalCount',
          p50: round(listCount.p50),
          p95: round(listCount.p95),
          'p95 ÷ baseline p95': round(listCount.p95 / baseline.p95, 1),
        },
      ];
      printTable(
        `${provider}, ${size} resources (${size * 2} chunks; corpus built in ${buildSeconds.toFixed(1)} s; cold vector-cache load ${round(coldMs, 1)} ms, ${(module.vectors.size.bytes / 1e6).toFixed(1)} MB)`,
        rows,
      );
      for (const r of rows) summary.push({ provider, resources: size, ...r });
    }
  } finally {
    await tracking.close();
    await db?.close();
    await cleanup();
  }
}

if (SIZES.length > 1) {
  const growth: Record<string, string | number>[] = [];
  const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
  for (const row of summary.filter((r) => r.resources === large)) {
    const before = summary.find(
      (r) => r.provider === row.provider && r.resources === small && r.operation === row.operation,
    );
    if (before)
      growth.push({
        provider: row.provider!,
        operation: row.operation!,
        [`p95 @${small}`]: before.p95!,
        [`p95 @${large}`]: row.p95!,
        growth: `×${round(Number(row.p95) / Number(before.p95), 1)}`,
      });
  }
  printTable(`growth from ${small} to ${large} resources (p95, ms)`, growth);
}
await embeddings.close();
