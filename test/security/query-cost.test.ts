/**
 * Attacks on the query cost model, on a real server with real data (resources with many `related` links and
 * one 4.9 MB resource): each must be refused statically, in milliseconds, while the health probe answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const RESOURCES = 40;
const LINKS_PER_RESOURCE = 12;

/** The query: three levels of `related(limit: 50)` under 100 resources. */
const NESTED =
  '{ resources(first: 100) { edges { node { related(limit: 50) { resource { related(limit: 50) { resource { ' +
  'related(limit: 50) { resource { id title contentPreview } } } } } } } } } }';

const CONTENT_ALIASES = `query ($big: ID!) { ${Array.from(
  { length: 100 },
  (_, i) => `r${i}: resource(id: $big) { content }`,
).join(' ')} }`;

/** Median wall time of `runs` calls, and the last result. */
async function timed<T>(runs: number, call: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}

/** GET /monitoring/health while `attack` runs: it must answer, and quickly. */
async function healthDuring<T>(api: TestApi, attack: () => Promise<T>): Promise<{ result: T; healthMs: number }> {
  const started = performance.now();
  const [result, health] = await Promise.all([
    attack(),
    fetch(`${api.baseUrl}/monitoring/health`).then(async (r) => ({
      status: r.status,
      ms: performance.now() - started,
    })),
  ]);
  expect(health.status).toBe(200);
  return { result, healthMs: health.ms };
}

describe('query cost attacks (issue: cost model)', () => {
  let api: TestApi;
  let user: TestUser;
  let bigId: string;
  beforeAll(async () => {
    api = await startTestApi();
    user = await createTestUser(api);
    const { prisma } = api.runtime.db;
    const ids = Array.from({ length: RESOURCES }, () => randomUUID());
    await prisma.resource.createMany({
      data: ids.map((id, i) => ({
        id,
        ownerId: user.id,
        title: `Resource ${i}`,
        content: `Text of resource ${i}. `.repeat(30),
        wordCount: 120,
        overallStatus: 'COMPLETED',
      })),
    });
    await prisma.resourceEdge.createMany({
      data: ids.flatMap((sourceId, i) =>
        Array.from({ length: LINKS_PER_RESOURCE }, (_, k) => ({
          sourceId,
          targetId: ids[(i + k + 1) % RESOURCES]!,
          kind: 'SIMILAR',
          weight: 1 - k / 100,
        })),
      ),
    });
    const big = await prisma.resource.create({
      data: { ownerId: user.id, title: 'Big', content: 'word '.repeat(980_000), wordCount: 980_000 },
    });
    bigId = big.id;
    // Warm the server (schema, loaders, JIT) so the timings below measure the refusal only.
    await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
  }, 60_000);
  afterAll(() => api?.close());

  it('the nested related query is QUERY_TOO_COMPLEX by its node count in under 50 ms, health unaffected', async () => {
    const { result, healthMs } = await healthDuring(api, () =>
      timed(3, () => graphql(api, NESTED, {}, { token: user.accessToken })),
    );
    expect(result.result.status).toBe(400);
    expect(result.result.body.data ?? null).toBeNull();
    expect(result.result.body.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      nodes: 100 + 100 * 50 + 100 * 50 ** 2 + 100 * 50 ** 3,
      maxNodes: 50_000,
    });
    expect(result.ms).toBeLessThan(50);
    expect(healthMs).toBeLessThan(1_000);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'a page-size variable named $%s (an Object.prototype key) is sized like any other, not as unpaged',
    async (name) => {
      const query = `query($${name}: Int) { resources(first: $${name}) { edges { node {
        related(limit: $${name}) { resource { related(limit: $${name}) { resource { id } } } } } } } }`;
      // Not given: each list takes its schema default (25, 10, 10, 10), as it will at execution.
      // A user of its own per case: each case spends a few dozen points.
      const caller = await createTestUser(api);
      const res = await graphql(api, query, {}, { token: caller.accessToken });
      expect(res.status).toBe(200);
      const given = await graphql(api, query, { [name]: 100 }, { token: caller.accessToken });
      expect(given.status).toBe(400);
      expect(given.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxNodes: 50_000 });
      // Priced exactly like the same query with an ordinary variable name.
      const costWith = async (variable: string): Promise<number | undefined> =>
        (
          await graphql<{ rateLimitStatus: { cost: number } }>(
            api,
            `query($${variable}: Int) { rateLimitStatus { cost } resources(first: $${variable}) { edges { node { related(limit: $${variable}) { resource { related(limit: $${variable}) { resource { id } } } } } } } }`,
            {},
            { token: caller.accessToken },
          )
        ).body.data?.rateLimitStatus.cost;
      const ordinary = await costWith('n');
      expect(ordinary).toBeGreaterThanOrEqual(28); // 25 + 250 + 2,500 nodes → at least 28 points
      expect(await costWith(name)).toBe(ordinary);
    },
  );

  it('100 aliases of resource(id) { content } on a 4.9 MB resource are QUERY_TOO_COMPLEX in under 50 ms', async () => {
    const { result, healthMs } = await healthDuring(api, () =>
      timed(3, () => graphql(api, CONTENT_ALIASES, { big: bigId }, { token: user.accessToken })),
    );
    expect(result.result.status).toBe(400);
    expect(result.result.body.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      cost: 1_100,
      maxCost: 1_000,
    });
    expect(result.ms).toBeLessThan(50);
    expect(healthMs).toBeLessThan(1_000);
  });

  it('refused operations are not charged', async () => {
    const status = await graphql<{ rateLimitStatus: { windows: Array<{ used: number }> } }>(
      api,
      '{ rateLimitStatus { windows { used } } }',
      {},
      { token: user.accessToken },
    );
    // The warm-up `me` (1) and this query (1); the six refusals above cost nothing.
    expect(status.body.data?.rateLimitStatus.windows[0]?.used).toBe(2);
  });

  it('300 aliases of __schema (anonymous) are refused by the alias bound, not run for free', async () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ');
    const { ms, result } = await timed(1, () => graphql(api, `{ ${aliases} }`));
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', aliases: 300, maxAliases: 200 });
    expect(ms).toBeLessThan(200);
  });

  it('aliased health and repeated introspection are charged to the anonymous IP budget; one health stays free', async () => {
    const single = await graphql(api, '{ health { status } }');
    expect(single.status).toBe(200);
    expect(single.headers.get('x-ratelimit-cost')).toBeNull();
    const aliased = await graphql(api, '{ a: health { status } b: health { status } }');
    expect(aliased.status).toBe(200);
    expect(aliased.headers.get('x-ratelimit-cost')).toBe('2');
    const introspection = await graphql(
      api,
      '{ a: __schema { queryType { name } } b: __schema { queryType { name } } }',
    );
    expect(introspection.headers.get('x-ratelimit-cost')).toBe('20');
  });
});

describe('public operations with a token (token chaining)', () => {
  it('register with a token is still charged to the client IP budget', async () => {
    // 20 points per minute per IP: four registrations (5 each), whatever token each one presents.
    const api = await startTestApi({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '20' } });
    const register = (token?: string) =>
      graphql<{ register: { accessToken: string } }>(
        api,
        'mutation($input: RegisterInput!) { register(input: $input) { accessToken } }',
        { input: { email: `${randomUUID()}@example.test`, password: `pw-${randomUUID()}` } },
        token ? { token } : {},
      );
    let token: string | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await register(token);
      expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
      token = res.body.data!.register.accessToken;
    }
    const chained = await register(token);
    expect(chained.status).toBe(429);
    expect(chained.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 20, window: 'MINUTE' });
  });
});
