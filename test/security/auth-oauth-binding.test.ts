/**
 * OAuth login CSRF (RFC 9700 §4.7.1): an attacker starts a flow, signs in at the provider with their own
 * account and plants the resulting (code, state) in a victim's client. The state is bound to the client
 * that started the flow by a one-time secret, so the victim's client cannot redeem it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql, startTestApi, type TestApi } from '../support/api.js';
import { uniqueId } from '../support/services.js';
import { REDIRECT_URI, startOidcProvider, type TestOidcProvider } from '../auth/oauth-servers.js';

const AUTHORIZE = 'mutation($p: OAuthProvider!) { oauthAuthorizeUrl(provider: $p) { url state binding } }';
/** What the attacker needs of step 1: no binding (they never present it). */
const AUTHORIZE_URL = 'mutation($p: OAuthProvider!) { oauthAuthorizeUrl(provider: $p) { url state } }';
const CALLBACK =
  'mutation($c: String!, $s: String!, $b: String!) { oauthCallback(provider: GOOGLE, code: $c, state: $s, binding: $b) { accessToken user { id email } } }';
/** The callback as a client that holds no binding sends it (the contract before binding). */
const UNBOUND_CALLBACK =
  'mutation($c: String!, $s: String!) { oauthCallback(provider: GOOGLE, code: $c, state: $s) { accessToken user { id email } } }';

type Authorization = { url: string; state: string; binding: string };
type Callback = { oauthCallback: { accessToken: string; user: { id: string; email: string } } };

describe.each([
  { provider: 'sqlite' as const, redis: false },
  { provider: 'postgresql' as const, redis: true },
])('OAuth login CSRF ($provider, redis: $redis)', ({ provider, redis }) => {
  let api: TestApi;
  let op: TestOidcProvider;

  beforeAll(async () => {
    op = await startOidcProvider({ 'pharos-google': 'google-secret-csrf' });
    const providers = [
      {
        name: 'google',
        issuer: op.issuer,
        clientId: 'pharos-google',
        clientSecret: 'google-secret-csrf',
        redirectUris: [REDIRECT_URI],
        allowInsecureRequests: true,
      },
    ];
    api = await startTestApi({
      provider,
      redis,
      env: { OAUTH2_PROVIDERS: JSON.stringify(providers), RATE_LIMIT_ENABLED: 'false' },
    });
  });

  const start = async (query = AUTHORIZE): Promise<Authorization> => {
    const res = await graphql<{ oauthAuthorizeUrl: Authorization }>(api, query, { p: 'GOOGLE' });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.oauthAuthorizeUrl;
  };
  /** The attacker's half: a flow of their own, completed at the provider with their own account. */
  const attackerCode = async (query = AUTHORIZE) => {
    const sub = uniqueId('attacker');
    op.accounts.set(sub, { email: `${sub}@example.test`, email_verified: true });
    const flow = await start(query);
    const redirect = await op.authorize(flow.url, sub);
    return { ...flow, code: redirect.searchParams.get('code')!, email: `${sub}@example.test` };
  };

  it("a victim's client redeeming the attacker's (code, state) is not signed in as the attacker", async () => {
    // The victim's client, with no binding for this state …
    const planted = await attackerCode(AUTHORIZE_URL);
    const unbound = await graphql<Callback>(api, UNBOUND_CALLBACK, { c: planted.code, s: planted.state });
    expect(unbound.body.data?.oauthCallback).toBeUndefined();
    expect(await api.runtime.db.prisma.user.count({ where: { email: planted.email } })).toBe(0);

    // … or with the binding of a flow of its own.
    const attack = await attackerCode();
    expect(attack.url).not.toContain(attack.binding);
    const victimFlow = await start();
    const foreign = await graphql<Callback>(api, CALLBACK, { c: attack.code, s: attack.state, b: victimFlow.binding });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');
    expect(foreign.body.data?.oauthCallback).toBeUndefined();
    expect(await api.runtime.db.prisma.user.count({ where: { email: attack.email } })).toBe(0);
    expect(api.logs.some((l) => l.security === 'oauth_failed' && l.reason === 'state_binding_mismatch')).toBe(true);

    // A state presented with a wrong binding is spent: not even its own binding redeems it afterwards.
    const late = await graphql<Callback>(api, CALLBACK, { c: attack.code, s: attack.state, b: attack.binding });
    expect(late.body.errors?.[0]?.extensions?.code).toBe('OAUTH_STATE_INVALID');

    // The client that started a flow, with its binding, signs in.
    const own = await attackerCode();
    const ok = await graphql<Callback>(api, CALLBACK, { c: own.code, s: own.state, b: own.binding });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data?.oauthCallback.user.email).toBe(own.email);
  });
});
