import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { memoryLogger, take } from '../support/progress.js';
import { registerCleanup, testRedisUrl } from '../support/services.js';
import { openRedis } from '../../src/shared/redis/index.js';
import { createRedisStatusTracking, type StatusTracking } from '../../src/shared/status-tracker/index.js';
import { createProgressPersistence } from '../../src/modules/resources/progress/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const PROGRESS_FIELDS =
  'resourceId overallStatus percent error updatedAt stages { stage status error startedAt finishedAt attempt }';
const SUBSCRIPTION = `subscription($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`;
const QUERY = `query($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`;

interface Progress {
  resourceId: string;
  overallStatus: string;
  percent: number;
  error: string | null;
  stages: Array<{
    stage: string;
    status: string;
    error: string | null;
    attempt: number;
    startedAt: string | null;
    finishedAt: string | null;
  }>;
}

let api: TestApi;
let owner: TestUser;
let stranger: TestUser;
let keyPrefix: string;
let local: StatusTracking;

function wsClient(token: string | null): Client {
  const client = createClient({
    url: api.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  registerCleanup(() => client.dispose());
  return client;
}

async function createResource(ownerId: string): Promise<string> {
  const row = await api.runtime.db.prisma.resource.create({ data: { ownerId, title: 'progress test', content: 'x' } });
  return row.id;
}

/** Runs test/progress/publish-progress.ts in its own Node process; resolves with the versions it wrote. */
function publishFromOtherProcess(resourceId: string, steps: string[], databaseUrl = '-'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, 'publish-progress.ts'),
        testRedisUrl(),
        keyPrefix,
        resourceId,
        databaseUrl,
        ...steps,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.trim().split('\n').map(Number));
      else reject(new Error(`publisher exited with ${code}: ${err}`));
    });
  });
}

beforeAll(async () => {
  api = await startTestApi({ provider: 'postgresql', redis: true });
  [owner, stranger] = await Promise.all([createTestUser(api), createTestUser(api)]);
  keyPrefix = `${api.config.redis.keyPrefix}progress:`;
  const { logger } = memoryLogger();
  const conn = openRedis({ url: testRedisUrl(), name: 'test:local', logger });
  local = createRedisStatusTracking({
    url: testRedisUrl(),
    redis: conn.client,
    keyPrefix,
    ttlSeconds: 600,
    persistence: createProgressPersistence(api.runtime.db.prisma),
    logger,
  });
  registerCleanup(() => conn.close());
  registerCleanup(() => local.close());
});

describe('resourceProgress over GraphQL', () => {
  it('subscription: snapshot first, then every change published by a separate worker process, in order', async () => {
    const id = await createResource(owner.id);
    await local.tracker.initProgress(id);
    await local.tracker.setProgress(id, 'INGESTION', 'PROCESSING');
    const client = wsClient(owner.accessToken);
    const events = client.iterate<{ resourceProgress: Progress }>({ query: SUBSCRIPTION, variables: { id } });
    const [first] = await take(events, 1);
    expect(first?.errors).toBeUndefined();
    expect(first?.data?.resourceProgress).toMatchObject({ resourceId: id, overallStatus: 'PROCESSING', percent: 0 });
    expect(first?.data?.resourceProgress.stages.map((s) => s.stage)).toEqual([
      'INGESTION',
      'EMBEDDING',
      'QUALITY',
      'TAXONOMY',
      'GRAPH',
    ]);

    const steps = [
      'INGESTION:COMPLETED',
      'EMBEDDING:PROCESSING',
      'EMBEDDING:COMPLETED',
      'QUALITY:PROCESSING',
      'QUALITY:FAILED:readability model crashed',
    ];
    const versions = await publishFromOtherProcess(id, steps, api.config.database.url.reveal());
    expect(versions).toHaveLength(steps.length);
    const updates = (await take(events, steps.length)).map((e) => e.data!.resourceProgress);
    expect(
      updates.map((u) => [
        u.stages.find((s) => s.stage === steps[updates.indexOf(u)]!.split(':')[0])?.status,
        u.percent,
      ]),
    ).toEqual([
      ['COMPLETED', 20],
      ['PROCESSING', 20],
      ['COMPLETED', 40],
      ['PROCESSING', 40],
      ['FAILED', 40],
    ]);
    expect(updates.at(-1)).toMatchObject({ overallStatus: 'FAILED', error: 'readability model crashed' });
    await events.return?.();

    // The worker process also wrote the terminal state to the resource row.
    const row = await api.runtime.db.prisma.resource.findUniqueOrThrow({
      where: { id },
      select: { overallStatus: true, stageState: true },
    });
    expect(row.overallStatus).toBe('FAILED');
    expect(row.stageState).toContain('readability model crashed');
  });

  it('query: the owner reads the snapshot; after Redis lost the record the row state is served', async () => {
    const id = await createResource(owner.id);
    await local.tracker.initProgress(id);
    await local.tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    const res = await graphql<{ resourceProgress: Progress }>(api, QUERY, { id }, { token: owner.accessToken });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.resourceProgress).toMatchObject({ resourceId: id, overallStatus: 'PROCESSING', percent: 20 });
    await local.tracker.clearProgress(id);
    const after = await graphql<{ resourceProgress: Progress }>(api, QUERY, { id }, { token: owner.accessToken });
    expect(after.body.data?.resourceProgress.stages[0]?.status).toBe('COMPLETED');
  });

  it('another user gets NOT_FOUND for the query and the subscription; an ADMIN may read', async () => {
    const id = await createResource(owner.id);
    const q = await graphql(api, QUERY, { id }, { token: stranger.accessToken });
    expect(q.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(q.body.data?.resourceProgress ?? null).toBeNull();
    const unknown = await graphql(api, QUERY, { id: randomUUID() }, { token: owner.accessToken });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const client = wsClient(stranger.accessToken);
    const events = client.iterate({ query: SUBSCRIPTION, variables: { id } });
    const outcome = await events.next().then(
      (r) => ({ result: r.value as ExecutionResult | undefined, error: undefined as unknown }),
      (error: unknown) => ({ result: undefined, error }),
    );
    // A refusal is a result with errors (then completion), not a socket error: the connection stays usable.
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(outcome.result?.data ?? null).toBeNull();

    const admin = await createTestUser(api, { tier: 'ADMIN' });
    const a = await graphql<{ resourceProgress: Progress }>(api, QUERY, { id }, { token: admin.accessToken });
    expect(a.body.data?.resourceProgress.overallStatus).toBe('PENDING');
  });

  it('an unauthenticated socket is closed with 4401', async () => {
    const client = wsClient(null);
    const events = client.iterate({ query: SUBSCRIPTION, variables: { id: randomUUID() } });
    const error = await events.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: number } | null)?.code).toBe(4401);
  });

  it('an unauthenticated HTTP query is UNAUTHENTICATED', async () => {
    const res = await graphql(api, QUERY, { id: randomUUID() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('resourceProgress in embedded mode (SQLite, no Redis)', () => {
  it('a new resource reads as PENDING, and a stored stage state is served from the row', async () => {
    const embedded = await startTestApi({ provider: 'sqlite' });
    const user = await createTestUser(embedded);
    const row = await embedded.runtime.db.prisma.resource.create({ data: { ownerId: user.id, title: 'embedded' } });
    const res = await graphql<{ resourceProgress: Progress }>(
      embedded,
      QUERY,
      { id: row.id },
      { token: user.accessToken },
    );
    expect(res.body.data?.resourceProgress).toMatchObject({ overallStatus: 'PENDING', percent: 0 });
    const persistence = createProgressPersistence(embedded.runtime.db.prisma);
    const stored = await local.tracker.setProgress(row.id, 'INGESTION', 'COMPLETED');
    await persistence.persist(row.id, stored);
    const again = await graphql<{ resourceProgress: Progress }>(
      embedded,
      QUERY,
      { id: row.id },
      { token: user.accessToken },
    );
    expect(again.body.data?.resourceProgress).toMatchObject({ overallStatus: 'PROCESSING', percent: 20 });
    expect((await embedded.runtime.db.prisma.resource.findUniqueOrThrow({ where: { id: row.id } })).overallStatus).toBe(
      'PROCESSING',
    );
    await embedded.close();
  });
});
