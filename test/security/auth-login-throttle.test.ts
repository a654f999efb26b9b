/**
 * Distributed password guessing: one account attacked from many addresses (per-account backoff), and
 * IPv6 clients that own a whole /64 (counted per network, not per address).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type GraphqlResponse, type TestApi } from '../support/api.js';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

/** POSTs one operation from a chosen loopback source address (127.0.0.0/8 is all loopback on Linux). */
function postFrom(api: TestApi, localAddress: string, variables: Record<string, unknown>): Promise<GraphqlResponse> {
  const body = JSON.stringify({ query: LOGIN, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      api.url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: new Headers(res.headers as Record<string, string>),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphqlResponse['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const code = (res: GraphqlResponse) => res.body.errors?.[0]?.extensions?.code;

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('login guessing across addresses ($provider, redis: $redis)', ({ provider, redis }) => {
  it('counts failures per account across source addresses, then backs off (even for the right password)', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: {
        LOGIN_MAX_FAILURES: '3',
        LOGIN_ACCOUNT_MAX_FAILURES: '5',
        LOGIN_FAILURE_WINDOW_SECONDS: '600',
        RATE_LIMIT_ENABLED: 'false',
      },
    });
    const victim = await createTestUser(api);
    // Six addresses × the per-address limit of 3 used to give 18 guesses; the account allows 5 at once.
    const outcomes: Array<unknown> = [];
    for (let host = 1; host <= 6; host++)
      for (let i = 0; i < 3; i++)
        outcomes.push(code(await postFrom(api, `127.0.0.${host}`, { e: victim.email, p: `guess-${host}-${i}` })));
    expect(outcomes.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(outcomes.slice(5)).toEqual(Array(13).fill('RATE_LIMITED'));

    const limited = await postFrom(api, '127.0.0.9', { e: victim.email, p: victim.password });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.body.errors?.[0]?.extensions?.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBe(retryAfter);

    // Backoff, not lockout: after the wait the owner gets in, which resets the account's counter.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await postFrom(api, '127.0.0.9', { e: victim.email, p: victim.password })).body.errors).toBeUndefined();
    expect(code(await postFrom(api, '127.0.0.10', { e: victim.email, p: 'wrong-again' }))).toBe('UNAUTHENTICATED');
  });

  it('counts IPv6 clients per /64: for one email and for password spraying', async () => {
    const api = await startTestApi({
      provider,
      redis,
      env: {
        LOGIN_MAX_FAILURES: '2',
        LOGIN_ACCOUNT_MAX_FAILURES: '100',
        LOGIN_FAILURE_WINDOW_SECONDS: '600',
        TRUST_PROXY: 'true',
        RATE_LIMIT_ENABLED: 'false',
      },
    });
    const from = (ip: string, e: string, p: string) =>
      graphql(api, LOGIN, { e, p }, { headers: { 'x-forwarded-for': ip } });
    const user = await createTestUser(api);

    // One email, three addresses of one /64: the per-email limit (2) applies to the network.
    expect(code(await from('2001:db8:1:2::1', user.email, 'wrong-1'))).toBe('UNAUTHENTICATED');
    expect(code(await from('2001:db8:1:2::2', user.email, 'wrong-2'))).toBe('UNAUTHENTICATED');
    expect(code(await from('2001:db8:1:2:ffff:1:2:3', user.email, user.password))).toBe('RATE_LIMITED');

    // Spraying 10 emails from 10 addresses of another /64 exhausts that network's budget (5 × 2).
    for (let i = 1; i <= 10; i++)
      expect(code(await from(`2001:db8:5:6::${i.toString(16)}`, `spray-${i}@example.test`, 'Winter2024!'))).toBe(
        'UNAUTHENTICATED',
      );
    const other = await createTestUser(api);
    expect(code(await from('2001:db8:5:6::abcd', other.email, other.password))).toBe('RATE_LIMITED');
    // The neighbouring /64 is another client.
    expect((await from('2001:db8:5:7::1', other.email, other.password)).body.errors).toBeUndefined();
  });
});
