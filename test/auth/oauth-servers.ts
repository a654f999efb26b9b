/**
 * Loopback OAuth servers for the OAuth tests: a real OpenID Provider (oidc-provider) and a small
 * GitHub-shaped OAuth2 server (authorize, token exchange, /user, /user/emails).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { registerCleanup } from '../support/services.js';

export const REDIRECT_URI = 'https://app.example.test/auth/callback';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registerCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return (server.address() as AddressInfo).port;
}

export interface OidcAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  readonly issuer: string;
  /** Accounts by id; the id is what the test "types" at the login form. */
  readonly accounts: Map<string, OidcAccount>;
  /**
   * Plays the browser: follows the authorization URL through login and consent (devInteractions forms,
   * with cookies) and returns the final redirect to the client's redirect URI.
   */
  authorize(authorizationUrl: string, accountId: string): Promise<URL>;
}

/** Starts oidc-provider on 127.0.0.1 with confidential clients `{ clientId: secret }`. */
export async function startOidcProvider(clients: Record<string, string>): Promise<TestOidcProvider> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, OidcAccount>();
  const provider = new Provider(issuer, {
    clients: Object.entries(clients).map(([client_id, client_secret]) => ({
      client_id,
      client_secret,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx, id) => {
      const account = accounts.get(id);
      return account ? { accountId: id, claims: async () => ({ sub: id, ...account }) } : undefined;
    },
  });
  // oidc-provider logs its devInteractions warning and server errors through events; keep tests quiet.
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());

  const authorize = async (authorizationUrl: string, accountId: string): Promise<URL> => {
    const jar = new Map<string, string>();
    const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
      const res = await fetch(url, { ...init, headers, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq);
        const value = pair!.slice(eq + 1);
        if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') jar.delete(name);
        else jar.set(name, value);
      }
      return res;
    };
    let url = authorizationUrl;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(REDIRECT_URI)) return new URL(url);
      const res = await send(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, issuer).href;
        continue;
      }
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!prompt || !action)
        throw new Error(`unexpected page from the OpenID Provider (HTTP ${res.status}): ${html.slice(0, 300)}`);
      const body = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt });
      const submitted = await send(new URL(action, issuer).href, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const next = submitted.headers.get('location');
      if (!next) throw new Error(`form submission answered HTTP ${submitted.status} without a redirect`);
      url = new URL(next, issuer).href;
    }
    throw new Error('too many redirects');
  };
  return { issuer, accounts, authorize };
}

export interface GitHubAccount {
  id: number;
  login: string;
  name: string | null;
  /** Public profile email (null: hidden). */
  email: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
  /** Make GET /user hang (timeout test). */
  hang?: boolean;
}

export interface FakeGitHub {
  readonly baseUrl: string;
  readonly accounts: Map<string, GitHubAccount>;
  /** Every token-endpoint request's Accept header. */
  readonly tokenRequests: Array<{ accept: string | undefined }>;
  /** The account the next authorization approves. */
  signedIn: string;
  /** Plays the browser: GET the authorize URL, return the redirect with code and state. */
  authorize(authorizationUrl: string): Promise<URL>;
}

/** A GitHub-shaped OAuth2 server on 127.0.0.1 for one client. */
export async function startFakeGitHub(client: { id: string; secret: string }): Promise<FakeGitHub> {
  const codes = new Map<string, { login: string; redirectUri: string; challenge: string }>();
  const tokens = new Map<string, string>();
  const accounts = new Map<string, GitHubAccount>();
  const tokenRequests: FakeGitHub['tokenRequests'] = [];
  const readBody = async (req: IncomingMessage) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    return new URLSearchParams(raw);
  };
  const state = { signedIn: '' };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const p = url.searchParams;
        if (p.get('client_id') !== client.id || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge'))
          return json(400, { error: 'bad request' });
        const code = randomBytes(10).toString('hex');
        codes.set(code, {
          login: state.signedIn,
          redirectUri: p.get('redirect_uri')!,
          challenge: p.get('code_challenge')!,
        });
        const target = new URL(p.get('redirect_uri')!);
        target.searchParams.set('code', code);
        target.searchParams.set('state', p.get('state')!);
        return res.writeHead(302, { location: target.href }).end();
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        tokenRequests.push({ accept: req.headers.accept });
        const b = await readBody(req);
        const grant = codes.get(b.get('code') ?? '');
        codes.delete(b.get('code') ?? '');
        const verifierOk =
          grant &&
          createHash('sha256')
            .update(b.get('code_verifier') ?? '')
            .digest('base64url') === grant.challenge;
        const body =
          b.get('client_id') !== client.id || b.get('client_secret') !== client.secret
            ? { error: 'incorrect_client_credentials' }
            : !grant || grant.redirectUri !== b.get('redirect_uri') || !verifierOk
              ? { error: 'bad_verification_code' }
              : (() => {
                  const token = `gho_${randomBytes(12).toString('hex')}`;
                  tokens.set(token, grant.login);
                  return { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' };
                })();
        // Like GitHub: form-encoded unless the client asks for JSON.
        if (req.headers.accept?.includes('application/json')) return json(200, body);
        return res
          .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' })
          .end(new URLSearchParams(body as Record<string, string>).toString());
      }
      const login = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      const account = login ? accounts.get(login) : undefined;
      if (!account) return json(401, { message: 'Bad credentials' });
      if (req.method === 'GET' && url.pathname === '/api/user') {
        if (account.hang) return; // never answers
        return json(200, { id: account.id, login: account.login, name: account.name, email: account.email });
      }
      if (req.method === 'GET' && url.pathname === '/api/user/emails')
        return json(
          200,
          account.emails.map((e) => ({ ...e, visibility: null })),
        );
      return json(404, { message: 'Not Found' });
    })();
  });
  const port = await listen(server);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    accounts,
    tokenRequests,
    get signedIn() {
      return state.signedIn;
    },
    set signedIn(v: string) {
      state.signedIn = v;
    },
    async authorize(authorizationUrl) {
      const res = await fetch(authorizationUrl, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (!location) throw new Error(`authorize answered HTTP ${res.status}`);
      return new URL(location);
    },
  };
}
