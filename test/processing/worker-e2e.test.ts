import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { testEmbeddingEnv } from '../support/test-model.js';
import { CELL_BIOLOGY, htmlPage, PHOTOSYNTHESIS, STOCK_MARKETS } from './fixtures.js';
import { startFixtureServer } from './pipeline-harness.js';
import { isFinal, spawnWorker, watchProgress, type WorkerProcess } from './worker-harness.js';

const CREATE = `mutation($input: CreateResourceInput!) { createResource(input: $input) { id url title } }`;

let api: TestApi;
let user: TestUser;
let server: Awaited<ReturnType<typeof startFixtureServer>>;

async function create(input: Record<string, unknown>): Promise<string> {
  const res = await graphql<{ createResource: { id: string } }>(api, CREATE, { input }, { token: user.accessToken });
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.createResource.id;
}

async function progressOf(id: string) {
  const res = await graphql<{
    resourceProgress: {
      overallStatus: string;
      error: string | null;
      stages: Array<{ stage: string; status: string; attempt: number; error: string | null }>;
    };
  }>(
    api,
    `
      query ($id: ID!) {
        resourceProgress(id: $id) {
          overallStatus
          error
          stages {
            stage
            status
            attempt
            error
          }
        }
      }
    `,
    { id },
    { token: user.accessToken },
  );
  return res.body.data!.resourceProgress;
}

beforeAll(async () => {
  server = await startFixtureServer({
    '/cells': () => ({ body: htmlPage('Cell biology', CELL_BIOLOGY) }),
    // First request hangs long enough to kill the worker holding it; later ones answer quickly.
    '/slow-once': (n) => ({ body: htmlPage('Slow page', PHOTOSYNTHESIS), delayMs: n === 1 ? 20_000 : 0 }),
    '/slow': () => ({ body: htmlPage('Markets', STOCK_MARKETS), delayMs: 1_500 }),
    '/flaky': (n) => (n === 1 ? { status: 503, body: 'busy' } : { body: htmlPage('Flaky but fine', CELL_BIOLOGY) }),
    '/gone': () => ({ status: 404, body: 'nope' }),
    '/once': () => ({ body: htmlPage('Counted', STOCK_MARKETS) }),
  });
  api = await startTestApi({ provider: 'postgresql', redis: true, env: testEmbeddingEnv() });
  user = await createTestUser(api);
});

describe('worker processes with bee-queue on Redis', () => {
  let worker: WorkerProcess;

  it('starts, logging each init step with time and memory and a ready line', async () => {
    worker = spawnWorker(api);
    const ready = await worker.waitForLog('worker ready', 45_000);
    expect(ready).toMatchObject({ mode: 'distributed', model: 'pharos/glove-sif-100d', concurrency: 2 });
    expect(ready.totalMs).toEqual(expect.any(Number));
    const steps = worker.lines.filter((l) => typeof l.step === 'string');
    expect(steps.map((s) => s.step)).toEqual([
      'database connected',
      'redis connected',
      'embedding model loaded',
      'taxonomy indexed',
      'queue connected',
    ]);
    for (const s of steps)
      expect(s).toMatchObject({
        ms: expect.any(Number),
        elapsedMs: expect.any(Number),
        rssMb: expect.any(Number),
        heapUsedMb: expect.any(Number),
      });
  });

  it('only writes progress: the worker holds no pub/sub connection of its own', async () => {
    const names = String(await api.runtime.redis!.client.call('CLIENT', 'LIST'))
      .split('\n')
      .map((line) => /name=(\S+)/.exec(line)?.[1] ?? '');
    expect(names.some((n) => n.startsWith('pharos:worker'))).toBe(true);
    expect(names.filter((n) => n.startsWith('pharos:worker:progress'))).toEqual([]);
  });

  it('processes a created resource through every stage, visible in the subscription', async () => {
    const id = await create({ content: PHOTOSYNTHESIS });
    const watch = watchProgress(api, user.accessToken, id);
    const final = await watch.until(isFinal);
    expect(final.overallStatus).toBe('COMPLETED');
    // Each stage is seen PROCESSING before COMPLETED, in execution order.
    const firstSeen = (stage: string, status: string) =>
      watch.events.findIndex((e) => e.stages.some((s) => s.stage === stage && s.status === status));
    const order = ['INGESTION', 'EMBEDDING', 'QUALITY', 'TAXONOMY', 'GRAPH'];
    for (const stage of order) expect(firstSeen(stage, 'COMPLETED')).toBeGreaterThanOrEqual(0);
    for (let i = 1; i < order.length; i++)
      expect(firstSeen(order[i]!, 'COMPLETED')).toBeGreaterThanOrEqual(firstSeen(order[i - 1]!, 'COMPLETED'));
    const row = await api.runtime.db.prisma.resource.findUniqueOrThrow({
      where: { id },
      include: { chunks: true, categories: true },
    });
    expect(row).toMatchObject({
      overallStatus: 'COMPLETED',
      title: 'Photosynthesis',
      language: 'en',
      embeddingModel: 'pharos/glove-sif-100d',
    });
    expect(row.chunks.length).toBeGreaterThan(0);
    expect(row.categories.length).toBeGreaterThan(0);
    expect(row.qualityOverall).toBeGreaterThan(0);
  });

  it('retries a transient failure (503, then 200) and succeeds', async () => {
    const id = await create({ url: `${server.base}/flaky` });
    const watch = watchProgress(api, user.accessToken, id);
    const final = await watch.until(isFinal);
    expect(final.overallStatus).toBe('COMPLETED');
    expect(final.stages[0]).toMatchObject({ stage: 'INGESTION', status: 'COMPLETED', attempt: 2 });
    expect(watch.events.some((e) => e.stages[0]!.error?.includes('Retrying after a temporary problem'))).toBe(true);
    expect(server.calls.get('/flaky')).toBe(2);
  });

  it('ends a permanent failure FAILED with its reason in resourceProgress, later stages PENDING', async () => {
    const id = await create({ url: `${server.base}/gone` });
    const watch = watchProgress(api, user.accessToken, id);
    await watch.until(isFinal);
    const progress = await progressOf(id);
    expect(progress.overallStatus).toBe('FAILED');
    expect(progress.error).toMatch(/The site answered HTTP 404/);
    expect(progress.stages.map((s) => s.status)).toEqual(['FAILED', 'PENDING', 'PENDING', 'PENDING', 'PENDING']);
    expect(server.calls.get('/gone')).toBe(1);
  });

  it('does not process duplicate submissions twice', async () => {
    const a = await create({ url: `${server.base}/once` });
    const b = await create({ url: `${server.base}/once` });
    expect(b).toBe(a);
    await watchProgress(api, user.accessToken, a).until(isFinal);
    const c = await create({ content: `  ${CELL_BIOLOGY}\r\n` });
    const d = await create({ content: CELL_BIOLOGY });
    expect(d).toBe(c);
    await watchProgress(api, user.accessToken, c).until(isFinal);
    await sleep(500);
    expect(server.calls.get('/once')).toBe(1);
    const hits = worker.lines.filter(
      (l) => l.msg === 'resource processed' && (l.resourceId === a || l.resourceId === c),
    );
    expect(hits).toHaveLength(2);
  });

  it('hands the job of a kill -9ed worker to another worker; nothing stays PROCESSING', async () => {
    const id = await create({ url: `${server.base}/slow-once` });
    const watch = watchProgress(api, user.accessToken, id);
    await watch.until((e) => e.stages[0]!.status === 'PROCESSING');
    const deadline = Date.now() + 10_000;
    while (!server.calls.get('/slow-once') && Date.now() < deadline) await sleep(20);
    const holder = worker;
    holder.proc.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    worker = spawnWorker(api);
    const final = await watch.until(isFinal, 30_000);
    expect(final.overallStatus).toBe('COMPLETED');
    expect(final.stages.every((s) => s.status === 'COMPLETED')).toBe(true);
    expect(server.calls.get('/slow-once')).toBe(2);
    const row = await api.runtime.db.prisma.resource.findUniqueOrThrow({ where: { id } });
    expect(row.overallStatus).toBe('COMPLETED');
    expect(
      await api.runtime.db.prisma.resource.count({ where: { ownerId: user.id, overallStatus: 'PROCESSING' } }),
    ).toBe(0);
  });

  it('drains the running job on SIGTERM, then exits 0 with everything closed', async () => {
    await worker.waitForLog('worker ready', 45_000);
    const id = await create({ url: `${server.base}/slow` });
    const watch = watchProgress(api, user.accessToken, id);
    await watch.until((e) => e.stages[0]!.status === 'PROCESSING');
    worker.proc.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(worker.lines.some((l) => l.msg === 'worker drained: running jobs finished')).toBe(true);
    expect(worker.lines.at(-1)).toMatchObject({ msg: 'worker stopped', drained: true });
    const final = await watch.until(isFinal, 5_000);
    expect(final.overallStatus).toBe('COMPLETED');
  });
});
