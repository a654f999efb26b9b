/**
 * A real pipeline for tests: migrated database (PostgreSQL or SQLite), the in-process status tracker
 * persisting to the row, the 5k-word test model and a fetcher allowed to reach loopback.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyMigrations, createDatabase, pingDatabase, type DatabaseHandle } from '../../src/shared/database/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { createInProcessStatusTracking } from '../../src/shared/status-tracker/index.js';
import {
  createCategoryIndex,
  createUrlFetcher,
  DEFAULT_PIPELINE_SETTINGS,
  runPipeline,
  type PipelineDeps,
} from '../../src/modules/processing/index.js';
import { createProgressPersistence } from '../../src/modules/resources/progress/index.js';
import type { JobContext } from '../../src/shared/queue/index.js';
import { createTestPostgresDatabase, createTestSqliteUrl, registerCleanup } from '../support/services.js';
import { loadTestEmbeddings } from '../support/test-model.js';

export interface PipelineHarness {
  readonly db: DatabaseHandle;
  readonly deps: PipelineDeps;
  readonly ownerId: string;
  run(resourceId: string, context?: Partial<JobContext>): ReturnType<typeof runPipeline>;
  createText(content: string, extra?: { title?: string; url?: string }): Promise<string>;
  createUrl(url: string): Promise<string>;
}

export async function startPipelineHarness(provider: 'postgresql' | 'sqlite'): Promise<PipelineHarness> {
  const url = provider === 'postgresql' ? (await createTestPostgresDatabase()).url : createTestSqliteUrl().url;
  await applyMigrations({ url });
  const db = createDatabase({ url, poolMin: 0, poolMax: 4 });
  registerCleanup(() => db.close());
  await pingDatabase(db);
  const logger = createLogger({ level: 'silent' });
  const tracking = createInProcessStatusTracking({
    ttlSeconds: 3600,
    persistence: createProgressPersistence(db.prisma),
    logger,
  });
  registerCleanup(() => tracking.close());
  const embeddings = await loadTestEmbeddings();
  const fetcher = createUrlFetcher({ allowPrivate: true, timeoutMs: 3_000 });
  registerCleanup(() => fetcher.close());
  const deps: PipelineDeps = {
    db: db.prisma,
    tracker: tracking.tracker,
    embeddings,
    fetcher,
    categories: createCategoryIndex(db.prisma, embeddings),
    logger,
    settings: DEFAULT_PIPELINE_SETTINGS,
  };
  const owner = await db.prisma.user.create({ data: { email: `${randomUUID()}@example.test` } });
  const create = async (data: { url?: string | null; content?: string; title?: string | null }) => {
    const row = await db.prisma.resource.create({
      data: { ownerId: owner.id, url: data.url ?? null, content: data.content ?? '', title: data.title ?? null },
    });
    await tracking.tracker.initProgress(row.id);
    return row.id;
  };
  return {
    db,
    deps,
    ownerId: owner.id,
    run: (resourceId, context = {}) =>
      runPipeline(
        deps,
        { resourceId },
        { jobId: resourceId, attempt: 1, maxAttempts: 4, signal: new AbortController().signal, ...context },
      ),
    createText: (content, extra = {}) => create({ content, title: extra.title ?? null, url: extra.url ?? null }),
    createUrl: (u) => create({ url: u }),
  };
}

/** A local HTTP server answering from a route table; each route may change its answer per call. */
export async function startFixtureServer(
  routes: Record<string, (call: number) => { status?: number; type?: string; body: string; delayMs?: number }>,
) {
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    const n = (calls.get(path) ?? 0) + 1;
    calls.set(path, n);
    if (!route) return void res.writeHead(404).end('not found');
    const answer = route(n);
    const send = () =>
      res
        .writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/html; charset=utf-8' })
        .end(answer.body);
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registerCleanup(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { base, calls };
}
