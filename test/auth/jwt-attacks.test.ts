import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const ME = '{ me { id } }';
const now = () => Math.floor(Date.now() / 1000);

interface Ctx {
  api: TestApi;
  user: TestUser;
  secret: Uint8Array;
  /** The user's session (refresh-token family), as carried in its genuine access token's `sid`. */
  sid: string;
}

type Claims = Record<string, unknown>;
const baseClaims = (c: Ctx): Claims => ({
  sub: c.user.id,
  tier: 'FREE',
  type: 'access',
  jti: randomUUID(),
  sid: c.sid,
  iat: now(),
  exp: now() + 600,
  iss: 'pharos',
  aud: 'pharos-api',
});
const sign = (claims: Claims, key: Uint8Array, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
const withClaims = (c: Ctx, extra: Claims) => sign({ ...baseClaims(c), ...extra }, c.secret);

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Each row builds a token that must be refused with 401 UNAUTHENTICATED. */
const ATTACKS: Array<{ name: string; reason: string; token: (c: Ctx) => Promise<string> }> = [
  { name: 'alg: none', reason: 'bad_algorithm', token: async (c) => new UnsecuredJWT(baseClaims(c)).encode() },
  {
    name: 'HS256 signed with a public key as the secret',
    reason: 'bad_signature',
    token: (c) => sign(baseClaims(c), new TextEncoder().encode(publicPem)),
  },
  {
    name: 'tampered payload (tier raised, signature kept)',
    reason: 'bad_signature',
    token: async (c) => {
      const [h, , s] = (await withClaims(c, {})).split('.');
      const forged = Buffer.from(JSON.stringify({ ...baseClaims(c), tier: 'ADMIN' })).toString('base64url');
      return `${h}.${forged}.${s}`;
    },
  },
  {
    name: 'wrong key',
    reason: 'bad_signature',
    token: (c) => sign(baseClaims(c), new TextEncoder().encode('an-entirely-different-secret-key-0123456789')),
  },
  {
    name: 'another HMAC algorithm than configured (HS512)',
    reason: 'bad_algorithm',
    token: (c) => sign(baseClaims(c), c.secret, 'HS512'),
  },
  {
    name: 'expired (beyond the 5 s tolerance)',
    reason: 'expired',
    token: (c) => withClaims(c, { iat: now() - 120, exp: now() - 30 }),
  },
  {
    name: 'not yet valid (nbf in the future)',
    reason: 'not_yet_valid',
    token: (c) => withClaims(c, { nbf: now() + 60 }),
  },
  { name: 'wrong iss', reason: 'bad_issuer', token: (c) => withClaims(c, { iss: 'evil' }) },
  { name: 'wrong aud', reason: 'bad_audience', token: (c) => withClaims(c, { aud: 'other-api' }) },
  { name: 'missing jti', reason: 'bad_claims', token: (c) => withClaims(c, { jti: undefined }) },
  { name: 'refresh token (opaque) used as access token', reason: 'malformed', token: async (c) => c.user.refreshToken },
  {
    name: 'JWT of type "refresh" used as access token',
    reason: 'bad_type',
    token: (c) => withClaims(c, { type: 'refresh' }),
  },
  { name: 'missing sid (session)', reason: 'bad_claims', token: (c) => withClaims(c, { sid: undefined }) },
  // Its session is not one of this user's: an unknown user's token has no live session.
  { name: 'token of an unknown user', reason: 'revoked', token: (c) => withClaims(c, { sub: randomUUID() }) },
  {
    name: 'token of a session that never existed',
    reason: 'revoked',
    token: (c) => withClaims(c, { sid: randomUUID() }),
  },
  {
    name: 'access token of a session ended by logout',
    reason: 'revoked',
    token: async (c) => {
      const u = await createTestUser(c.api);
      const out = await graphql(c.api, 'mutation { logout }', {}, { token: u.accessToken });
      expect(out.body.errors).toBeUndefined();
      return u.accessToken;
    },
  },
  {
    name: 'token of a deactivated user',
    reason: 'inactive',
    token: async (c) => {
      const u = await createTestUser(c.api);
      expect((await graphql(c.api, ME, {}, { token: u.accessToken })).status).toBe(200);
      await c.api.runtime.auth.setUserActive(u.id, false);
      return u.accessToken;
    },
  },
];

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('JWT attacks ($provider, redis: $redis)', ({ provider, redis }) => {
  const c = {} as Ctx;
  beforeAll(async () => {
    c.api = await startTestApi({ provider, redis });
    c.user = await createTestUser(c.api);
    c.secret = new TextEncoder().encode(c.api.config.auth.jwtSecret.reveal());
    c.sid = (JSON.parse(Buffer.from(c.user.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
  });

  it('accepts the genuine token, and one expired less than 5 s ago (clock tolerance)', async () => {
    expect((await graphql(c.api, ME, {}, { token: c.user.accessToken })).body.data).toEqual({ me: { id: c.user.id } });
    const late = await withClaims(c, { iat: now() - 60, exp: now() - 2 });
    expect((await graphql(c.api, ME, {}, { token: late })).status).toBe(200);
  });

  it.each(ATTACKS)('rejects $name with 401', async ({ token, reason }) => {
    const t = await token(c);
    const res = await graphql(c.api, ME, {}, { token: t });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data ?? null).toBeNull();
    expect(
      c.api.logs.some((l) => l.security === 'token_rejected' && l.reason === reason && typeof l.ip === 'string'),
    ).toBe(true);
  });

  it.each(ATTACKS.filter((a) => !['revoked', 'inactive'].includes(a.reason)))(
    'closes a graphql-ws connection presenting $name with 4401',
    async ({ token }) => {
      expect(await wsCloseCode(c.api.wsUrl, `Bearer ${await token(c)}`)).toBe(4401);
    },
  );

  it('rejects malformed Authorization headers', async () => {
    for (const authorization of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      c.user.accessToken,
      `Bearer ${c.user.accessToken} extra`,
    ]) {
      const res = await graphql(c.api, ME, {}, { authorization });
      expect(res.status, authorization).toBe(401);
    }
  });

  it('ends a graphql-ws connection when its token expires', async () => {
    const token = await withClaims(c, { exp: now() + 2 });
    const started = Date.now();
    // exp is enforced with no tolerance on an open socket: closed at expiry.
    expect(await wsCloseCode(c.api.wsUrl, `Bearer ${token}`, 10_000)).toBe(4401);
    expect(Date.now() - started).toBeGreaterThan(500);
  });
});

/** Opens a graphql-transport-ws socket, sends connection_init, resolves with the close code (or 0 on ack + timeout). */
function wsCloseCode(url: string, authorization: string, waitMs = 3_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    const timer = setTimeout(() => {
      ws.close();
      resolve(0);
    }, waitMs);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } })));
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', reject);
  });
}

describe('deactivation across instances (PostgreSQL + Redis)', () => {
  it('a user deactivated on one instance is refused at once by another that had cached it', async () => {
    const shared = { REDIS_KEY_PREFIX: `${randomUUID()}:`, JWT_SECRET_KEY: `shared-${randomUUID()}` };
    const a = await startTestApi({ provider: 'postgresql', redis: true, env: shared });
    const b = await startTestApi({
      provider: 'postgresql',
      redis: true,
      env: { ...shared, DATABASE_URL: a.config.database.url.reveal() },
    });
    const user = await createTestUser(a);
    expect((await graphql(b, ME, {}, { token: user.accessToken })).status).toBe(200);
    await a.runtime.auth.setUserActive(user.id, false);
    expect((await graphql(b, ME, {}, { token: user.accessToken })).status).toBe(401);
    expect((await graphql(a, ME, {}, { token: user.accessToken })).status).toBe(401);
    await a.runtime.auth.setUserActive(user.id, true);
    expect((await graphql(b, ME, {}, { token: user.accessToken })).status).toBe(200);
  });

  it('with AUTH_USER_CACHE_SECONDS=0 even a direct database edit applies at once', async () => {
    const api = await startTestApi({ provider: 'sqlite', env: { AUTH_USER_CACHE_SECONDS: '0' } });
    const user = await createTestUser(api);
    expect((await graphql(api, ME, {}, { token: user.accessToken })).status).toBe(200);
    await api.runtime.db.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expect((await graphql(api, ME, {}, { token: user.accessToken })).status).toBe(401);
  });
});
