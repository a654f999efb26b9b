import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';
import { createMemoryOAuthStateStore, OAUTH_STATE_TTL_SECONDS } from '../../src/shared/oauth2/index.js';
import { uniqueId } from '../support/services.js';
import {
  REDIRECT_URI,
  startFakeGitHub,
  startOidcProvider,
  type FakeGitHub,
  type TestOidcProvider,
} from './oauth-servers.js';

const AUTHORIZE =
  'mutation($p: OAuthProvider!, $r: String) { oauthAuthorizeUrl(provider: $p, redirectUri: $r) { url state binding } }';
const CALLBACK =
  'mutation($p: OAuthProvider!, $c: String!, $s: String!, $b: String!) { oauthCallback(provider: $p, code: $c, state: $s, binding: $b) { accessToken refreshToken tokenType user { id email tier name } } }';
const SECRETS = {
  google: 'google-client-secret-9f8e7d',
  keycloak: 'keycloak-client-secret-1a2b3c',
  github: 'github-client-secret-4d5e6f',
};

type Payload = {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; tier: string; name: string | null };
};

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('OAuth ($provider, redis: $redis)', ({ provider, redis }) => {
  let api: TestApi;
  let op: TestOidcProvider;
  let gh: FakeGitHub;

  beforeAll(async () => {
    op = await startOidcProvider({ 'pharos-google': SECRETS.google, 'pharos-keycloak': SECRETS.keycloak });
    gh = await startFakeGitHub({ id: 'gh-client', secret: SECRETS.github });
    const providers = [
      {
        name: 'google',
        issuer: op.issuer,
        clientId: 'pharos-google',
        clientSecret: SECRETS.google,
        redirectUris: [REDIRECT_URI, 'https://app.example.test/other'],
        allowInsecureRequests: true,
      },
      {
        name: 'keycloak',
        issuer: op.issuer,
        clientId: 'pharos-keycloak',
        clientSecret: SECRETS.keycloak,
        redirectUris: [REDIRECT_URI],
        allowInsecureRequests: true,
      },
      {
        name: 'github',
        kind: 'github',
        authorizationEndpoint: `${gh.baseUrl}/login/oauth/authorize`,
        tokenEndpoint: `${gh.baseUrl}/login/oauth/access_token`,
        apiBaseUrl: `${gh.baseUrl}/api`,
        clientId: 'gh-client',
        clientSecret: SECRETS.github,
        redirectUris: [REDIRECT_URI],
      },
    ];
    api = await startTestApi({
      provider,
      redis,
      env: { OAUTH2_PROVIDERS: JSON.stringify(providers), OAUTH_HTTP_TIMEOUT_MS: '1500' },
    });
  });

  // This client's binding secret per state, as a frontend keeps it between the two steps.
  const bindings = new Map<string, string>();
  const start = async (p: string, redirectUri?: string) => {
    const res = await graphql<{ oauthAuthorizeUrl: { url: string; state: string; binding: string } }>(api, AUTHORIZE, {
      p,
      r: redirectUri ?? null,
    });
    expect(res.body.errors).toBeUndefined();
    const authorization = res.body.data!.oauthAuthorizeUrl;
    bindings.set(authorization.state, authorization.binding);
    return authorization;
  };
  const callback = (p: string, code: string, state: string) =>
    graphql<{ oauthCallback: Payload }>(api, CALLBACK, { p, c: code, s: state, b: bindings.get(state) ?? 'none' });
  const oidcLogin = async (p: 'GOOGLE' | 'OIDC', accountId: string) => {
    const { url, state } = await start(p);
    const redirect = await op.authorize(url, accountId);
    expect(redirect.searchParams.get('state')).toBe(state);
    return { code: redirect.searchParams.get('code')!, state, url: new URL(url) };
  };

  it('builds an authorization URL with PKCE S256, state and nonce', async () => {
    const { url, state } = await start('GOOGLE');
    const u = new URL(url);
    expect(u.origin).toBe(op.issuer);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      client_id: 'pharos-google',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge_method: 'S256',
      state,
      scope: 'openid email profile',
    });
    expect(u.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(u.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('GOOGLE (OIDC discovery): code flow creates a FREE user from a verified email, then finds it again', async () => {
    const sub = uniqueId('g');
    op.accounts.set(sub, { email: `${sub}@Gmail.test`, email_verified: true, name: 'Grace' });
    const { code, state } = await oidcLogin('GOOGLE', sub);
    const res = await callback('GOOGLE', code, state);
    expect(res.body.errors).toBeUndefined();
    const p = res.body.data!.oauthCallback;
    expect(p.user).toMatchObject({ email: `${sub}@gmail.test`, tier: 'FREE', name: 'Grace' });
    const me = await graphql<{ me: { id: string } }>(api, '{ me { id } }', {}, { token: p.accessToken });
    expect(me.body.data?.me.id).toBe(p.user.id);
    expect(
      await api.runtime.db.prisma.oAuthAccount.count({
        where: { provider: 'GOOGLE', providerAccountId: sub, userId: p.user.id },
      }),
    ).toBe(1);

    const again = await oidcLogin('GOOGLE', sub);
    expect((await callback('GOOGLE', again.code, again.state)).body.data?.oauthCallback.user.id).toBe(p.user.id);
    expect(
      api.logs.some((l) => l.security === 'oauth_login' && l.userId === p.user.id && l.outcome === 'created'),
    ).toBe(true);
  });

  it('never links to a password user (pre-account takeover): FORBIDDEN, verified email or not', async () => {
    const user = await createTestUser(api);
    const unverified = uniqueId('u');
    op.accounts.set(unverified, { email: user.email, email_verified: false });
    const first = await oidcLogin('OIDC', unverified);
    const refused = await callback('OIDC', first.code, first.state);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('OAUTH_PROVIDER_ERROR');

    const verified = uniqueId('v');
    op.accounts.set(verified, { email: user.email.toUpperCase(), email_verified: true });
    const second = await oidcLogin('OIDC', verified);
    const forbidden = await callback('OIDC', second.code, second.state);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.body.errors?.[0]?.message).toBe(
      'An account with this email exists; sign in with your password to link this provider',
    );
    expect(await api.runtime.db.prisma.oAuthAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await api.runtime.db.prisma.user.count({ where: { email: user.email } })).toBe(1);
    expect(api.logs.some((l) => l.security === 'oauth_failed' && l.reason === 'email_has_password')).toBe(true);
  });

  it('links a second provider to an OAuth-only user through a verified email', async () => {
    const sub = uniqueId('g');
    const email = `${sub}@example.test`;
    op.accounts.set(sub, { email, email_verified: true });
    const first = await oidcLogin('GOOGLE', sub);
    const created = await callback('GOOGLE', first.code, first.state);
    const userId = created.body.data!.oauthCallback.user.id;

    const unverified = uniqueId('u');
    op.accounts.set(unverified, { email, email_verified: false });
    const second = await oidcLogin('OIDC', unverified);
    expect((await callback('OIDC', second.code, second.state)).body.errors?.[0]?.extensions?.code).toBe(
      'OAUTH_PROVIDER_ERROR',
    );

    const verified = uniqueId('v');
    op.accounts.set(verified, { email: email.toUpperCase(), email_verified: true });
    const third = await oidcLogin('OIDC', verified);
    const linked = await callback('OIDC', third.code, third.state);
    expect(linked.body.data?.oauthCallback.user.id).toBe(userId);
    expect(await api.runtime.db.prisma.oAuthAccount.count({ where: { userId, provider: 'KEYCLOAK' } })).toBe(1);
  });

  it('rejects a replayed state', async () => {
    const sub = uniqueId('r');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const { code, state } = await oidcLogin('GOOGLE', sub);
    expect((await callback('GOOGLE', code, state)).body.errors).toBeUndefined();
    const replay = await callback('GOOGLE', code, state);
    expect(replay.status).toBe(400);
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');
  });

  it('rejects an unknown state and a state issued for another provider', async () => {
    expect((await callback('GOOGLE', 'code', 'made-up-state')).body.errors?.[0]?.extensions?.code).toBe(
      'OAUTH_STATE_INVALID',
    );
    const sub = uniqueId('w');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const { code, state } = await oidcLogin('GOOGLE', sub);
    expect((await callback('OIDC', code, state)).body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');
    // The state was single use: the rightful provider cannot use it afterwards either.
    expect((await callback('GOOGLE', code, state)).body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');
  });

  it('rejects an expired state', async () => {
    if (!redis) return expiredInMemory();
    const sub = uniqueId('e');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const { code, state } = await oidcLogin('GOOGLE', sub);
    const client = new Redis(api.config.redis.url!.reveal(), { lazyConnect: false });
    try {
      const key = `${api.config.redis.keyPrefix}auth:oauth-state:${state}`;
      expect(await client.ttl(key)).toBeGreaterThan(590);
      await client.pexpire(key, 1);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      client.disconnect();
    }
    expect((await callback('GOOGLE', code, state)).body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');
  });

  it('accepts only the redirect URIs the provider allows', async () => {
    expect((await start('GOOGLE', 'https://app.example.test/other')).url).toContain(
      encodeURIComponent('https://app.example.test/other'),
    );
    for (const r of ['https://evil.example/cb', `${REDIRECT_URI}/../x`, `${REDIRECT_URI}?x=1`]) {
      const res = await graphql(api, AUTHORIZE, { p: 'GOOGLE', r });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'redirectUri' });
    }
  });

  it('rejects an ID token whose nonce differs (tampered authorization request)', async () => {
    const sub = uniqueId('n');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const { url, state } = await start('GOOGLE');
    const tampered = new URL(url);
    tampered.searchParams.set('nonce', 'attacker-nonce');
    const redirect = await op.authorize(tampered.href, sub);
    const res = await callback('GOOGLE', redirect.searchParams.get('code')!, state);
    expect(res.status).toBe(502);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OAUTH_PROVIDER_ERROR');
  });

  it('rejects a code obtained with another PKCE challenge, without leaking provider details', async () => {
    const sub = uniqueId('p');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const { url, state } = await start('GOOGLE');
    const tampered = new URL(url);
    tampered.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const redirect = await op.authorize(tampered.href, sub);
    const res = await callback('GOOGLE', redirect.searchParams.get('code')!, state);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OAUTH_PROVIDER_ERROR');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/invalid_grant|PKCE|verifier/i);
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(api.logs) + text).not.toContain(secret);
  });

  it('GITHUB: token exchange with Accept: application/json, profile, and the primary verified email when the profile has none', async () => {
    const login = uniqueId('octo');
    gh.accounts.set(login, {
      id: Math.floor(Math.random() * 1e9),
      login,
      name: null,
      email: null,
      emails: [
        { email: `${login}-old@example.test`, primary: false, verified: true },
        { email: `${login}@Example.test`, primary: true, verified: true },
      ],
    });
    gh.signedIn = login;
    const { url, state } = await start('GITHUB');
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    const redirect = await gh.authorize(url);
    const res = await callback('GITHUB', redirect.searchParams.get('code')!, state);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.oauthCallback.user).toMatchObject({
      email: `${login}@example.test`,
      tier: 'FREE',
      name: login,
    });
    expect(gh.tokenRequests.at(-1)?.accept).toBe('application/json');
  });

  it('GITHUB: no verified email → OAUTH_PROVIDER_ERROR, no user created', async () => {
    const login = uniqueId('nov');
    gh.accounts.set(login, {
      id: Math.floor(Math.random() * 1e9),
      login,
      name: 'N',
      email: `${login}@example.test`,
      emails: [{ email: `${login}@example.test`, primary: true, verified: false }],
    });
    gh.signedIn = login;
    const { url, state } = await start('GITHUB');
    const redirect = await gh.authorize(url);
    const res = await callback('GITHUB', redirect.searchParams.get('code')!, state);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(await api.runtime.db.prisma.user.count({ where: { email: `${login}@example.test` } })).toBe(0);
  });

  it('GITHUB: a provider that does not answer times out as OAUTH_PROVIDER_ERROR', async () => {
    const login = uniqueId('slow');
    gh.accounts.set(login, { id: 42, login, name: null, email: null, emails: [], hang: true });
    gh.signedIn = login;
    const { url, state } = await start('GITHUB');
    const redirect = await gh.authorize(url);
    const started = Date.now();
    const res = await callback('GITHUB', redirect.searchParams.get('code')!, state);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a deactivated user cannot sign in through OAuth', async () => {
    const sub = uniqueId('d');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const first = await oidcLogin('GOOGLE', sub);
    const created = await callback('GOOGLE', first.code, first.state);
    await api.runtime.db.prisma.user.update({
      where: { id: created.body.data!.oauthCallback.user.id },
      data: { active: false },
    });
    const second = await oidcLogin('GOOGLE', sub);
    const res = await callback('GOOGLE', second.code, second.state);
    expect(res.status).toBe(401);
  });
});

/** Embedded mode: the in-process store with a clock moved past the 10-minute lifetime. */
async function expiredInMemory(): Promise<void> {
  let now = 1_000_000;
  const store = createMemoryOAuthStateStore({ now: () => now });
  const record = {
    provider: 'GOOGLE',
    redirectUri: REDIRECT_URI,
    codeVerifier: 'v',
    nonce: 'n',
    bindingHash: 'h',
    createdAt: now,
  };
  await store.put('s1', record, OAUTH_STATE_TTL_SECONDS);
  await store.put('s2', record, OAUTH_STATE_TTL_SECONDS);
  now += OAUTH_STATE_TTL_SECONDS * 1000 - 1;
  expect(await store.take('s1')).toEqual(record);
  expect(await store.take('s1')).toBeNull();
  now += 2;
  expect(await store.take('s2')).toBeNull();
}
