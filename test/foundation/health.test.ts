import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { startApi, type ApiRuntime } from '../../src/server/start-api.js';
import { startExtraPostgres, startExtraRedis, type ExtraServer } from '../support/services.js';

// A private PostgreSQL and Redis, so stopping them cannot disturb other test files.
let pg: ExtraServer;
let redis: ExtraServer;
let api: ApiRuntime;
let base: string;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startExtraPostgres(), startExtraRedis()]);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DB_POOL_MIN: '0',
    DB_POOL_MAX: '4',
  });
  api = await startApi({ config, logger: createLogger({ level: 'silent' }) });
  base = `http://127.0.0.1:${api.port}`;
}, 90_000);
afterAll(async () => api?.close());

interface HealthBody {
  status: string;
  components: { database: string; redis: string; queue: string };
  version: string;
  uptimeSeconds: number;
}

async function health(): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`${base}/monitoring/health`);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

/** Polls until the (1 s cached) health report shows `status`. */
async function waitForStatus(expected: string, timeoutMs = 10_000): Promise<{ status: number; body: HealthBody }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await health();
    if (r.body.status === expected || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 250));
  }
}

describe('GET /monitoring/health and the health query', () => {
  it('is healthy with every dependency up, without a token', async () => {
    const r = await waitForStatus('healthy');
    expect(r.status).toBe(200);
    expect(r.body.components.database).toBe('up');
    expect(r.body.components.redis).toBe('up');
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    const q = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status components { database redis } } }' }),
    });
    expect(q.status).toBe(200);
    expect(await q.json()).toEqual({
      data: { health: { status: 'healthy', components: { database: 'up', redis: 'up' } } },
    });
  });

  it('is degraded (200) while Redis is down and recovers by itself', async () => {
    await redis.stop();
    const down = await waitForStatus('degraded');
    expect(down.status).toBe(200);
    expect(down.body.components).toMatchObject({ database: 'up', redis: 'down' });
    await redis.start();
    const back = await waitForStatus('healthy', 15_000);
    expect(back.body.components.redis).toBe('up');
  }, 30_000);

  it('is unhealthy (503) while the database is down and recovers by itself', async () => {
    await pg.stop();
    const down = await waitForStatus('unhealthy');
    expect(down.status).toBe(503);
    expect(down.body.components.database).toBe('down');
    await pg.start();
    const back = await waitForStatus('healthy', 15_000);
    expect(back.status).toBe(200);
  }, 40_000);
});
