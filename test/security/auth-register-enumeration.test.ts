/**
 * `register` answers "email already registered" (it signs the caller in, so a uniform answer is not
 * possible without out-of-band email verification): probing for registered emails is bounded per client
 * network like password spraying, and then every register from that network looks the same.
 */
import { describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi } from '../support/api.js';
import { uniqueId } from '../support/services.js';

const REGISTER = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('register email probing ($provider, redis: $redis)', ({ provider, redis }) => {
  it('bounds email probing per network; real sign-ups are not counted', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: { LOGIN_MAX_FAILURES: '2', LOGIN_FAILURE_WINDOW_SECONDS: '600', RATE_LIMIT_ENABLED: 'false' },
    });
    const register = (email: string) => graphql(api, REGISTER, { i: { email, password: `pw-${uniqueId('p')}` } });
    // Sign-ups give their point back: more than the network budget (10) of them go through.
    for (let i = 0; i < 12; i++) await createTestUser(api);
    const existing = await createTestUser(api);

    for (let i = 0; i < 10; i++) {
      const res = await register(existing.email);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }
    // Budget spent: a taken and a free email now get the same answer.
    for (const email of [existing.email, `${uniqueId('fresh')}@example.test`]) {
      const res = await register(email);
      expect(res.status).toBe(429);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    }
    expect(api.logs.some((l) => l.security === 'register_rate_limited')).toBe(true);
  });
});
