/** Access tokens minted with a future `iat` or a lifetime above the configured one; weak production keys. */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const ME = '{ me { id } }';
const now = () => Math.floor(Date.now() / 1000);

describe('access-token lifetime', () => {
  let api: TestApi;
  let user: TestUser;
  let forge: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    api = await startTestApi({ env: { ACCESS_TOKEN_EXPIRE_MINUTES: '30', RATE_LIMIT_ENABLED: 'false' } });
    user = await createTestUser(api);
    const key = new TextEncoder().encode(api.config.auth.jwtSecret.reveal());
    const { sid } = JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
    };
    const base = { sub: user.id, tier: 'FREE', type: 'access', sid, iss: 'pharos', aud: 'pharos-api' };
    forge = (claims) =>
      new SignJWT({ ...base, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  });

  it.each([
    ['iat 10 minutes in the future', () => ({ iat: now() + 600, exp: now() + 900 }), 'issued_in_future'],
    [
      'a 1-year lifetime (configured: 30 minutes)',
      () => ({ iat: now(), exp: now() + 365 * 86_400 }),
      'lifetime_too_long',
    ],
    ['a 31-minute lifetime', () => ({ iat: now() - 60, exp: now() + 30 * 60 }), 'lifetime_too_long'],
  ])('refuses a token with %s', async (_name, claims, reason) => {
    // The same forgery within the limits (30 minutes, iat within the 5 s clock tolerance) is accepted.
    for (const ok of [
      { iat: now(), exp: now() + 30 * 60 },
      { iat: now() + 3, exp: now() + 3 + 30 * 60 },
    ])
      expect((await graphql(api, ME, {}, { token: await forge(ok) })).body.errors).toBeUndefined();
    const res = await graphql(api, ME, {}, { token: await forge(claims()) });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(api.logs.some((l) => l.security === 'token_rejected' && l.reason === reason)).toBe(true);
  });
});

describe('JWT_SECRET_KEY in production', () => {
  it.each([
    ['32 × "a"', 'a'.repeat(32)],
    ['a word-like phrase', 'my-super-secret-jwt-key-for-prod'],
    ['a run of the alphabet', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'],
    ['a random half repeated', 'Xr4_pQ9vLm2sT7wBXr4_pQ9vLm2sT7wB'],
  ])('refuses %s with one error naming the variable, never the value', (_name, secret) => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: secret });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable)).toEqual(['JWT_SECRET_KEY']);
    expect(problems[0]!.message).toMatch(/entropy/);
    expect((error as Error).message).not.toContain(secret);
    // A random key of the same length is fine.
    const random = randomBytes(secret.length).toString('base64url').slice(0, secret.length);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: random }).auth.jwtSecretGenerated).toBe(false);
  });
});
