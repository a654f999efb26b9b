import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { startExtraRedis, type ExtraServer } from '../support/services.js';

// Issue 10 item 6: a mutation that answers an error leaves no change behind.
const REPROCESS = 'mutation($id: ID!) { reprocessResource(id: $id) { id } }';
const CREATE = 'mutation($input: CreateResourceInput!) { createResource(input: $input) { id } }';

let redis: ExtraServer;
let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  redis = await startExtraRedis();
  api = await startTestApi({ provider: 'postgresql', env: { REDIS_URL: redis.url } });
  user = await createTestUser(api);
});

describe('processing mutations while the queue is unreachable', () => {
  it('reprocessResource answers 503 SERVICE_UNAVAILABLE and leaves the row exactly as it was', async () => {
    const stageState = JSON.stringify({ done: true });
    const row = await api.runtime.db.prisma.resource.create({
      data: {
        ownerId: user.id,
        title: 'done',
        content: 'x',
        overallStatus: 'COMPLETED',
        stageState,
        categoriesManual: true,
      },
    });
    await redis.stop();
    try {
      const res = await graphql(api, REPROCESS, { id: row.id }, { token: user.accessToken });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const after = await api.runtime.db.prisma.resource.findUniqueOrThrow({ where: { id: row.id } });
      expect(after).toEqual(row);
    } finally {
      await redis.start();
    }
  }, 30_000);

  it('createResource answers 503 and writes no row (a retry is not mistaken for a duplicate)', async () => {
    await redis.stop();
    try {
      const content = `atomic ${Date.now()}`;
      const res = await graphql(api, CREATE, { input: { content } }, { token: user.accessToken });
      expect(res.status).toBe(503);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await api.runtime.db.prisma.resource.count({ where: { ownerId: user.id, content } })).toBe(0);
    } finally {
      await redis.start();
    }
  }, 30_000);
});
