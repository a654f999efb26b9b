import { describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi } from '../support/api.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('parallel login attempts ($provider, redis: $redis)', ({ provider, redis }) => {
  it('40 parallel wrong passwords with LOGIN_MAX_FAILURES=10: at most 10 reach password verification', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: { LOGIN_MAX_FAILURES: '10', LOGIN_FAILURE_WINDOW_SECONDS: '600', RATE_LIMIT_ENABLED: 'false' },
    });
    const user = await createTestUser(api);
    const results = await Promise.all(
      Array.from({ length: 40 }, () => graphql(api, LOGIN, { e: user.email, p: 'wrong-password' })),
    );
    const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code);
    const limited = codes.filter((c) => c === 'RATE_LIMITED').length;
    const refused = codes.filter((c) => c === 'UNAUTHENTICATED').length;
    expect(limited + refused).toBe(40);
    expect(refused).toBeLessThanOrEqual(10);
    expect(limited).toBeGreaterThanOrEqual(30);
    const verified = api.logs.filter((l) => l.security === 'login_failed' && l.userId === user.id).length;
    expect(verified).toBe(refused);
    // Still blocked afterwards, even with the right password.
    expect((await graphql(api, LOGIN, { e: user.email, p: user.password })).status).toBe(429);
  });

  it('a successful login gives its per-IP point back: successes alone never block an IP', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: { LOGIN_MAX_FAILURES: '1', LOGIN_FAILURE_WINDOW_SECONDS: '600', RATE_LIMIT_ENABLED: 'false' },
    });
    const user = await createTestUser(api);
    // Per-IP limit is 5; eight successes in a row stay allowed.
    for (let i = 0; i < 8; i++)
      expect((await graphql(api, LOGIN, { e: user.email, p: user.password })).body.errors).toBeUndefined();
  });
});
