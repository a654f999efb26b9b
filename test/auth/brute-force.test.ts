import { describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi } from '../support/api.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('login brute-force limits ($provider, redis: $redis)', ({ provider, redis }) => {
  it('limits failures per email+IP, answers 429 with Retry-After, and a success resets the counter', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600' },
    });
    const user = await createTestUser(api);
    const fail = () => graphql(api, LOGIN, { e: user.email, p: 'wrong-password' });
    const ok = () => graphql(api, LOGIN, { e: user.email, p: user.password });

    // Two failures, then a success resets the email+IP counter.
    for (let i = 0; i < 2; i++) expect((await fail()).status).toBe(401);
    expect((await ok()).body.errors).toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await fail()).status).toBe(401);

    // Limit reached: even the right password is refused until the window passes.
    const limited = await ok();
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.body.errors?.[0]?.extensions?.retryAfter);
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(Number(limited.headers.get('retry-after'))).toBe(retryAfter);
    expect(api.logs.some((l) => l.security === 'login_rate_limited')).toBe(true);

    // Another account from the same IP is not blocked by this counter.
    const other = await createTestUser(api);
    expect((await graphql(api, LOGIN, { e: other.email, p: other.password })).body.errors).toBeUndefined();
  });

  it('limits failures per IP across many emails (5× the per-email limit)', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: { LOGIN_MAX_FAILURES: '2', LOGIN_FAILURE_WINDOW_SECONDS: '600' },
    });
    const user = await createTestUser(api);
    for (let i = 0; i < 10; i++) {
      const res = await graphql(api, LOGIN, { e: `spray-${i}@example.test`, p: 'Winter2024!' });
      expect(res.status).toBe(401);
    }
    const res = await graphql(api, LOGIN, { e: user.email, p: user.password });
    expect(res.status).toBe(429);
  });
});
