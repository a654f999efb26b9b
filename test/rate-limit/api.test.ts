import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { startApi, type ApiRuntime } from '../../src/server/start-api.js';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';
import { startExtraRedis, uniqueId } from '../support/services.js';

const STATUS = '{ rateLimitStatus { tier cost windows { window limit used remaining resetAt } } }';
type Status = {
  rateLimitStatus: {
    tier: string;
    cost: number;
    windows: Array<{ window: string; limit: number | null; used: number; remaining: number | null; resetAt: string }>;
  };
};

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rate limiting over HTTP (embedded mode)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { RATE_LIMIT_FREE_PER_MINUTE: '6', RATE_LIMIT_PREMIUM_PER_MINUTE: '12' } });
  });

  it('sends X-RateLimit-* headers, then 429 with Retry-After and RATE_LIMITED extensions, and logs the violation', async () => {
    const user = await createTestUser(api);
    const first = await graphql<Status>(api, STATUS, {}, { token: user.accessToken });
    expect(first.status).toBe(200);
    expect(first.body.data?.rateLimitStatus).toMatchObject({ tier: 'FREE', cost: 1 });
    expect(first.body.data?.rateLimitStatus.windows.map((w) => [w.window, w.limit, w.used, w.remaining])).toEqual([
      ['MINUTE', 6, 1, 5],
      ['HOUR', 1000, 1, 999],
      ['DAY', 10000, 1, 9999],
    ]);
    expect(first.headers.get('x-ratelimit-limit')).toBe('6');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('5');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000 + 59);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
    expect(Date.parse(first.body.data!.rateLimitStatus.windows[0]!.resetAt) / 1000).toBeCloseTo(reset, 0);

    for (let i = 2; i <= 6; i++) {
      const res = await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(6 - i));
    }
    const refused = await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter,
      limit: 6,
      window: 'MINUTE',
    });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-used')).toBe('6');
    expect(api.logs).toContainEqual(
      expect.objectContaining({ msg: 'rate limit exceeded', userId: user.id, tier: 'FREE', window: 'MINUTE', cost: 1 }),
    );
  });

  it('keys the budget by user, so a new token does not reset it', async () => {
    const user = await createTestUser(api);
    for (let i = 0; i < 6; i++)
      expect((await graphql(api, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(200);
    const login = await graphql<{ login: { accessToken: string } }>(
      api,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      { e: user.email, p: user.password },
    );
    const fresh = login.body.data!.login.accessToken;
    expect(fresh).not.toBe(user.accessToken);
    expect((await graphql(api, '{ me { id } }', {}, { token: fresh })).status).toBe(429);
    const other = await createTestUser(api);
    expect((await graphql(api, '{ me { id } }', {}, { token: other.accessToken })).status).toBe(200);
  });

  it('applies the tier from the token (PREMIUM)', async () => {
    const user = await createTestUser(api, { tier: 'PREMIUM' });
    const res = await graphql<Status>(api, STATUS, {}, { token: user.accessToken });
    expect(res.body.data?.rateLimitStatus.tier).toBe('PREMIUM');
    expect(res.headers.get('x-ratelimit-limit')).toBe('12');
    for (let i = 0; i < 11; i++)
      expect((await graphql(api, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(200);
    expect((await graphql(api, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(429);
  });

  it('charges 5 for a mutation (refused when only 4 points are left) and 1 for a query', async () => {
    const user = await createTestUser(api);
    await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
    const second = await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
    expect(second.headers.get('x-ratelimit-cost')).toBe('1');
    const mutation = await graphql(api, 'mutation { logout(allSessions: true) }', {}, { token: user.accessToken });
    expect(mutation.status).toBe(429);
    expect(mutation.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 5, limit: 6 });
    const query = await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
    expect(query.status).toBe(200);
    expect(query.headers.get('x-ratelimit-used')).toBe('3');
  });

  it('never limits health: neither the query nor GET /monitoring/health', async () => {
    const user = await createTestUser(api);
    for (let i = 0; i < 6; i++) await graphql(api, '{ me { id } }', {}, { token: user.accessToken });
    expect((await graphql(api, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(429);
    for (let i = 0; i < 20; i++) {
      const res = await graphql<{ health: { status: string } }>(
        api,
        '{ health { status } }',
        {},
        { token: user.accessToken },
      );
      expect(res.status).toBe(200);
      expect(res.body.data?.health.status).toBeTypeOf('string');
    }
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${api.baseUrl}/monitoring/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('query complexity over HTTP', () => {
  it('rejects an over-deep operation with QUERY_TOO_COMPLEX (400) before any resolver runs', async () => {
    const api = await startTestApi({ env: { MAX_QUERY_DEPTH: '2' } });
    const input = { email: `${uniqueId('deep')}@example.test`, password: 'a-long-password-1' };
    const deep = await graphql(api, 'mutation($i: RegisterInput!) { register(input: $i) { user { id } } }', {
      i: input,
    });
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', depth: 3, maxDepth: 2 });
    // Had `register` run, the address would be taken now.
    const shallow = await graphql<{ register: { accessToken: string } }>(
      api,
      'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }',
      { i: input },
    );
    expect(shallow.body.errors).toBeUndefined();
    expect(shallow.body.data?.register.accessToken).toBeTypeOf('string');
  });
});

describe('rate limiting with Redis (distributed mode)', () => {
  let a: TestApi;
  let b: ApiRuntime;
  let redisServer: Awaited<ReturnType<typeof startExtraRedis>>;
  const bApi = () => ({ url: `http://127.0.0.1:${b.port}/graphql` });

  beforeAll(async () => {
    redisServer = await startExtraRedis();
    a = await startTestApi({
      provider: 'postgresql',
      env: { REDIS_URL: redisServer.url, RATE_LIMIT_FREE_PER_MINUTE: '6' },
    });
    // A second API instance: same database, same Redis, same secret.
    b = await startApi({ config: a.config, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('two API instances share one budget', async () => {
    const user = await createTestUser(a);
    for (let i = 1; i <= 6; i++) {
      const res = await graphql(i % 2 ? a : bApi(), '{ me { id } }', {}, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-used')).toBe(String(i));
    }
    expect((await graphql(a, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(429);
    expect((await graphql(bApi(), '{ me { id } }', {}, { token: user.accessToken })).status).toBe(429);
  });

  it('fails open while Redis is down (with a warning) and enforces again when it is back, without a restart', async () => {
    const user = await createTestUser(a);
    for (let i = 0; i < 6; i++) await graphql(a, '{ me { id } }', {}, { token: user.accessToken });
    expect((await graphql(a, '{ me { id } }', {}, { token: user.accessToken })).status).toBe(429);

    await redisServer.stop();
    await until('API to see Redis down', () => a.runtime.redis?.client.status !== 'ready');
    for (let i = 0; i < 5; i++) {
      const res = await graphql(a, '{ me { id } }', {}, { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
    const warnings = a.logs.filter((l) => l.msg === 'rate-limit store unavailable: allowing requests (fail open)');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, skippedChecks: 1 });

    await redisServer.start();
    await until('API to reconnect', () => a.runtime.redis?.client.status === 'ready');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await graphql(a, '{ me { id } }', {}, { token: user.accessToken })).status);
    expect(statuses).toContain(429);
    expect(a.logs).toContainEqual(
      expect.objectContaining({ msg: 'rate-limit store reachable again: limits enforced', skippedChecks: 5 }),
    );
  });
});
