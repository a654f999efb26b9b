/**
 * The cost table in docs/rate-limiting.md is executable: every row runs through the real server (HTTP, or
 * graphql-ws for a subscription) as a PREMIUM user, and the points charged must be the documented cost.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findProjectRoot } from '../../src/shared/database/index.js';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

/** The rows of the table that follows "Every row of this table" in docs/rate-limiting.md. */
function documentedCosts(): Array<{ operation: string; cost: number }> {
  const doc = readFileSync(path.join(findProjectRoot(), 'docs', 'rate-limiting.md'), 'utf8');
  const start = doc.indexOf('Every row of this table');
  const table = doc.slice(start, doc.indexOf('\n\n', doc.indexOf('\n|', start) + 1));
  return [...table.matchAll(/^\|\s*`(.+)`\s*\|\s*(\d+)\s*\|$/gm)].map((m) => ({
    operation: m[1]!,
    cost: Number(m[2]),
  }));
}

const ROWS = documentedCosts();
const DAY_USED = '{ rateLimitStatus { windows { window used } } }';

describe('docs/rate-limiting.md cost table', () => {
  let api: TestApi;
  let user: TestUser;
  let resourceId: string;
  beforeAll(async () => {
    api = await startTestApi();
    user = await createTestUser(api, { tier: 'PREMIUM' });
    const row = await api.runtime.db.prisma.resource.create({
      data: { ownerId: user.id, title: 'Costs', content: 'A graph of costs. '.repeat(20), wordCount: 80 },
    });
    resourceId = row.id;
  });
  afterAll(() => api?.close());

  it('has the rows it documents', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(15);
  });

  /** Points counted in the user's day window (the status query itself costs 1). */
  const usedToday = async (): Promise<number> => {
    const res = await graphql<{ rateLimitStatus: { windows: Array<{ window: string; used: number }> } }>(
      api,
      DAY_USED,
      {},
      { token: user.accessToken },
    );
    return res.body.data!.rateLimitStatus.windows.find((w) => w.window === 'DAY')!.used;
  };

  it.each(ROWS)('$operation costs $cost', async ({ operation, cost }) => {
    const query = operation.replaceAll('<id>', resourceId);
    if (query.startsWith('subscription')) {
      const before = await usedToday();
      const client = createClient({
        url: api.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${user.accessToken}` },
      });
      try {
        const first = await new Promise<unknown>((resolve, reject) => {
          const stop = client.subscribe(
            { query },
            { next: (r) => (stop(), resolve(r)), error: reject, complete: () => undefined },
          );
        });
        expect(first).toMatchObject({ data: {} });
      } finally {
        await client.dispose();
      }
      expect((await usedToday()) - before - 1).toBe(cost);
      return;
    }
    const res = await graphql(api, query, {}, { token: user.accessToken });
    expect(res.status, JSON.stringify(res.body.errors)).toBeLessThan(500);
    expect(res.body.errors?.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')).toBeUndefined();
    expect(Number(res.headers.get('x-ratelimit-cost') ?? 0)).toBe(cost);
  });
});
