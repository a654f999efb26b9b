import { describe, expect, it, beforeAll } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';

const AUTH = 'accessToken refreshToken tokenType expiresIn user { id email name tier createdAt lastLoginAt }';
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH} } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH} } }`;
const REFRESH = `mutation($t: String!) { refresh(refreshToken: $t) { ${AUTH} } }`;
const LOGOUT = `mutation($t: String, $all: Boolean) { logout(refreshToken: $t, allSessions: $all) }`;
const ME = '{ me { id email tier } }';

type Payload = {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; email: string; tier: string; name: string | null };
};

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
  { provider: 'postgresql' as const, redis: false },
  { provider: 'sqlite' as const, redis: true },
])('sessions ($provider, redis: $redis)', ({ provider, redis }) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ provider, redis });
  });

  it('registers, logs in case-insensitively and answers me', async () => {
    const email = `Mixed.${Date.now()}.${Math.random().toString(36).slice(2)}@Example.TEST`;
    const reg = await graphql<{ register: Payload }>(api, REGISTER, {
      input: { email, password: 'correct horse battery', name: 'Ada' },
    });
    expect(reg.body.errors).toBeUndefined();
    const p = reg.body.data!.register;
    expect(p).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 30 * 60,
      user: { email: email.toLowerCase(), tier: 'FREE', name: 'Ada' },
    });

    const dup = await graphql(api, REGISTER, { input: { email: email.toUpperCase(), password: 'another password' } });
    expect(dup.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });

    const login = await graphql<{ login: Payload }>(api, LOGIN, { e: email.toUpperCase(), p: 'correct horse battery' });
    expect(login.body.data?.login.user.id).toBe(p.user.id);

    const me = await graphql<{ me: { id: string } }>(api, ME, {}, { token: login.body.data!.login.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data?.me.id).toBe(p.user.id);
  });

  it.each([
    ['too short', 'short'],
    ['too long', 'x'.repeat(1025)],
  ])('rejects a password that is %s', async (_label, password) => {
    const res = await graphql(api, REGISTER, { input: { email: `u${Math.random()}@example.test`, password } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('rejects a wrong password and an unknown email with the same error', async () => {
    const user = await createTestUser(api);
    const wrong = await graphql(api, LOGIN, { e: user.email, p: 'not the password' });
    const unknown = await graphql(api, LOGIN, { e: `nobody-${Math.random()}@example.test`, p: 'not the password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.body.errors?.[0]).toMatchObject({
        message: 'Invalid email or password',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });

  it('rotates refresh tokens, carries the current tier, and detects reuse by revoking the family', async () => {
    const user = await createTestUser(api);
    await api.runtime.db.prisma.user.update({ where: { id: user.id }, data: { tier: 'PREMIUM' } });
    const first = await graphql<{ refresh: Payload }>(api, REFRESH, { t: user.refreshToken });
    expect(first.body.errors).toBeUndefined();
    const r1 = first.body.data!.refresh;
    expect(r1.refreshToken).not.toBe(user.refreshToken);
    expect(r1.user.tier).toBe('PREMIUM');
    const claims = JSON.parse(Buffer.from(r1.accessToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ sub: user.id, tier: 'PREMIUM', type: 'access', iss: 'pharos', aud: 'pharos-api' });

    const second = await graphql<{ refresh: Payload }>(api, REFRESH, { t: r1.refreshToken });
    const r2 = second.body.data!.refresh;

    // The first token again: reuse. Every token of the family dies, including the newest one.
    const replay = await graphql(api, REFRESH, { t: user.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    const after = await graphql(api, REFRESH, { t: r2.refreshToken });
    expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const rows = await api.runtime.db.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(rows.length).toBe(3);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.familyId)).size).toBe(1);
    expect(api.logs.some((l) => l.security === 'refresh_reuse' && l.userId === user.id)).toBe(true);
  });

  it('concurrent refreshes with one token: exactly one wins', async () => {
    const user = await createTestUser(api);
    const results = await Promise.all([1, 2, 3].map(() => graphql(api, REFRESH, { t: user.refreshToken })));
    expect(results.filter((r) => !r.body.errors).length).toBe(1);
  });

  it('logout revokes the session and denies the access token at once', async () => {
    const user = await createTestUser(api);
    const other = await graphql<{ login: Payload }>(api, LOGIN, { e: user.email, p: user.password });
    const out = await graphql<{ logout: boolean }>(api, LOGOUT, { t: user.refreshToken }, { token: user.accessToken });
    expect(out.body.data?.logout).toBe(true);
    const me = await graphql(api, ME, {}, { token: user.accessToken });
    expect(me.status).toBe(401);
    const refresh = await graphql(api, REFRESH, { t: user.refreshToken });
    expect(refresh.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The other session is untouched…
    const otherMe = await graphql(api, ME, {}, { token: other.body.data!.login.accessToken });
    expect(otherMe.status).toBe(200);
    // …until logout of all sessions.
    await graphql(api, LOGOUT, { all: true }, { token: other.body.data!.login.accessToken });
    const otherRefresh = await graphql(api, REFRESH, { t: other.body.data!.login.refreshToken });
    expect(otherRefresh.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(api.logs.some((l) => l.security === 'logout' && l.userId === user.id)).toBe(true);
  });

  it('logout needs a token', async () => {
    const res = await graphql(api, LOGOUT, {});
    expect(res.status).toBe(401);
  });

  it('never logs a password or token', async () => {
    const user = await createTestUser(api);
    await graphql(api, LOGIN, { e: user.email, p: 'wrong password!' });
    await graphql(api, REFRESH, { t: user.refreshToken });
    const text = JSON.stringify(api.logs);
    expect(text).not.toContain(user.password);
    expect(text).not.toContain(user.refreshToken);
    expect(text).not.toContain(user.accessToken);
    expect(text).not.toContain('wrong password!');
    expect(
      api.logs.some(
        (l) =>
          l.security === 'login_failed' &&
          l.reason === 'bad_password' &&
          l.userId === user.id &&
          typeof l.ip === 'string',
      ),
    ).toBe(true);
  });
});
