import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createProgressPersistence } from '../../src/modules/resources/progress/index.js';
import { openRedis } from '../../src/shared/redis/index.js';
import { createRedisStatusTracking, type StatusTracking } from '../../src/shared/status-tracker/index.js';
import { createTestUser, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { memoryLogger, take } from '../support/progress.js';
import { registerCleanup, startExtraRedis, type ExtraServer } from '../support/services.js';

// Issue 10 item 3: graphql-redis-subscriptions' subscribe() rejected a promise nobody awaited while Redis was
// down, and the unhandled MaxRetriesPerRequestError ended the API process (here: the vitest worker).
const SUBSCRIPTION =
  'subscription($id: ID!) { resourceProgress(id: $id) { resourceId overallStatus stages { stage status } } }';

interface Progress {
  resourceId: string;
  overallStatus: string;
  stages: Array<{ stage: string; status: string }>;
}

let redis: ExtraServer;
let api: TestApi;
let user: TestUser;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await startExtraRedis();
  api = await startTestApi({ provider: 'postgresql', env: { REDIS_URL: redis.url } });
  user = await createTestUser(api);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('subscribing while Redis is down', () => {
  it('does not crash: the subscriber gets the current snapshot at once, and live changes once Redis is back', async () => {
    const row = await api.runtime.db.prisma.resource.create({ data: { ownerId: user.id, title: 't', content: 'x' } });
    await redis.stop();
    const client: Client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.accessToken}` },
      retryAttempts: 0,
      lazy: true,
    });
    registerCleanup(() => client.dispose());
    const events = client.iterate<{ resourceProgress: Progress }>({ query: SUBSCRIPTION, variables: { id: row.id } });
    const [first] = await take(events, 1, 10_000);
    expect(first?.errors).toBeUndefined();
    expect(first?.data?.resourceProgress).toMatchObject({ resourceId: row.id, overallStatus: 'PENDING' });
    // The library's SUBSCRIBE used to fail ~2.5 s after the attempt: wait past that with Redis still down.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(unhandled).toEqual([]);

    await redis.start();
    const { logger } = memoryLogger();
    const conn = openRedis({ url: redis.url, name: 'test:worker', logger });
    registerCleanup(() => conn.close());
    const worker: StatusTracking = createRedisStatusTracking({
      url: redis.url,
      redis: conn.client,
      keyPrefix: `${api.config.redis.keyPrefix}progress:`,
      ttlSeconds: 600,
      persistence: createProgressPersistence(api.runtime.db.prisma),
      logger,
    });
    registerCleanup(() => worker.close());
    // The API re-subscribes on reconnect; publish until a change gets through (bounded).
    let next: Progress | undefined;
    const deadline = Date.now() + 15_000;
    const nextEvent = events.next();
    while (!next && Date.now() < deadline) {
      await worker.tracker.setProgress(row.id, 'INGESTION', 'COMPLETED');
      const got = await Promise.race([nextEvent, new Promise<null>((r) => setTimeout(() => r(null), 300))]);
      if (got && !got.done) next = got.value.data?.resourceProgress;
    }
    expect(next?.stages.find((s) => s.stage === 'INGESTION')?.status).toBe('COMPLETED');
    expect(unhandled).toEqual([]);
    await events.return?.();
  }, 45_000);
});
