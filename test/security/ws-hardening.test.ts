/**
 * What production hides and what every response carries, on HTTP and graphql-ws alike: introspection refused,
 * no "Did you mean …" suggestions, a cap on concurrent WebSocket connections per user (WS_MAX_CONNECTIONS_PER_USER)
 * and helmet's security headers (HSTS only behind TLS, no CSP outside production).
 */
import { randomBytes } from 'node:crypto';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const PRODUCTION_SECRET = randomBytes(32).toString('base64url');

/** A graphql-transport-ws socket after its `connection_init`: acknowledged, or closed with a code. */
interface OpenedSocket {
  readonly socket: WebSocket;
  /** 'ack', or the close code the server answered the init with. */
  readonly outcome: 'ack' | number;
}

const sockets: WebSocket[] = [];
afterAll(() => {
  for (const s of sockets) s.terminate();
});

function openSocket(api: TestApi, token: string): Promise<OpenedSocket> {
  const socket = new WebSocket(api.wsUrl, GRAPHQL_TRANSPORT_WS_PROTOCOL);
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString('utf8')) as { type: string }).type === 'connection_ack')
        resolve({ socket, outcome: 'ack' });
    });
    socket.once('close', (code) => resolve({ socket, outcome: code }));
  });
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.once('close', () => resolve());
    socket.close(1000);
  });
}

type WsErrors = Array<{ message: string; extensions?: Record<string, unknown> }>;

/** One operation on an acknowledged socket; resolves with its `next` payload or its `error` list. */
function wsRun(
  socket: WebSocket,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: unknown; errors?: WsErrors }> {
  const id = `op-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const onMessage = (raw: Buffer): void => {
      const message = JSON.parse(raw.toString('utf8')) as { id?: string; type: string; payload?: unknown };
      if (message.id !== id) return;
      socket.off('message', onMessage);
      if (message.type === 'next') resolve(message.payload as { data?: unknown; errors?: WsErrors });
      else if (message.type === 'error') resolve({ errors: message.payload as WsErrors });
      else reject(new Error(`unexpected ${message.type}`));
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  });
}

/** Retries `connect` until it is acknowledged: the server frees a slot once it has seen the close, not before. */
async function openUntilAccepted(api: TestApi, token: string, timeoutMs: number): Promise<OpenedSocket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const opened = await openSocket(api, token);
    if (opened.outcome === 'ack' || Date.now() > deadline) return opened;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const TYPO_FIELD = '{ mee { id } }';
const TYPO_ENUM = 'query($m: SearchMode!) { search(query: "graph", mode: $m) { score } }';
const INTROSPECTION = ['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }'];

describe('production: no introspection, no suggestions (HTTP and graphql-ws)', () => {
  let prod: TestApi;
  let dev: TestApi;
  let prodUser: TestUser;
  let devUser: TestUser;
  let prodSocket: WebSocket;
  let devSocket: WebSocket;

  beforeAll(async () => {
    [prod, dev] = await Promise.all([
      startTestApi({ env: { NODE_ENV: 'production', JWT_SECRET_KEY: PRODUCTION_SECRET } }),
      startTestApi({ env: { NODE_ENV: 'development' } }),
    ]);
    [prodUser, devUser] = await Promise.all([createTestUser(prod), createTestUser(dev)]);
    expect(prod.config.introspection).toBe(false);
    const [p, d] = await Promise.all([openSocket(prod, prodUser.accessToken), openSocket(dev, devUser.accessToken)]);
    expect([p.outcome, d.outcome]).toEqual(['ack', 'ack']);
    prodSocket = p.socket;
    devSocket = d.socket;
  });

  it.each(INTROSPECTION)('refuses %s on HTTP and on graphql-ws alike', async (query) => {
    const http = await graphql(prod, query, {}, { token: prodUser.accessToken });
    expect(http.status).toBe(400);
    expect(http.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ws = await wsRun(prodSocket, query);
    expect(ws.data).toBeUndefined();
    expect(ws.errors?.length).toBeGreaterThan(0);
    for (const error of ws.errors ?? []) {
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(error.message).toMatch(/introspection has been disabled/);
    }
  });

  it('still answers introspection outside production, on graphql-ws too', async () => {
    const ws = await wsRun(devSocket, INTROSPECTION[0] ?? '');
    expect(ws.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  const typos: Array<[string, string, Record<string, unknown>]> = [
    ['an unknown field (validation)', TYPO_FIELD, {}],
    ['an unknown enum value in a variable (coercion)', TYPO_ENUM, { m: 'HYBRI' }],
  ];

  it.each(typos)('names no field or value for %s in production', async (_what, query, variables) => {
    const http = await graphql(prod, query, variables, { token: prodUser.accessToken });
    const ws = await wsRun(prodSocket, query, variables);
    expect(http.status).toBe(400);
    for (const errors of [http.body.errors, ws.errors]) {
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(errors)).not.toMatch(/did you mean/i);
    }
  });

  it.each(typos)(
    'suggests names for %s outside production (what production hides)',
    async (_what, query, variables) => {
      const http = await graphql(dev, query, variables, { token: devUser.accessToken });
      const ws = await wsRun(devSocket, query, variables);
      for (const errors of [http.body.errors, ws.errors]) {
        expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(JSON.stringify(errors)).toMatch(/did you mean/i);
      }
    },
  );
});

describe('WebSocket connections per user (WS_MAX_CONNECTIONS_PER_USER)', () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    api = await startTestApi({ env: { WS_MAX_CONNECTIONS_PER_USER: '3' } });
    [alice, bob] = await Promise.all([createTestUser(api), createTestUser(api)]);
  });

  it('closes the 4th socket of one user with 4403, accepts another user, and a close frees a slot', async () => {
    const first = await Promise.all([1, 2, 3].map(() => openSocket(api, alice.accessToken)));
    expect(first.map((s) => s.outcome)).toEqual(['ack', 'ack', 'ack']);

    const fourth = await openSocket(api, alice.accessToken);
    expect(fourth.outcome).toBe(4403);
    expect(api.logs.some((l) => l.msg === 'websocket connection cap reached' && l.userId === alice.id)).toBe(true);

    const other = await openSocket(api, bob.accessToken);
    expect(other.outcome).toBe('ack');

    // The accepted sockets still work while the cap refuses more.
    expect(await wsRun(first[0]!.socket, '{ me { id } }')).toEqual({ data: { me: { id: alice.id } } });

    await closeSocket(first[0]!.socket);
    const again = await openUntilAccepted(api, alice.accessToken, 2_000);
    expect(again.outcome).toBe('ack');
    // …and only that one slot: the cap holds again at 3.
    expect((await openSocket(api, alice.accessToken)).outcome).toBe(4403);
  });
});

describe('security headers (helmet)', () => {
  let dev: TestApi;
  let prod: TestApi;
  let proxied: TestApi;

  beforeAll(async () => {
    [dev, prod, proxied] = await Promise.all([
      startTestApi({ env: { NODE_ENV: 'development' } }),
      startTestApi({ env: { NODE_ENV: 'production', JWT_SECRET_KEY: PRODUCTION_SECRET } }),
      startTestApi({ env: { NODE_ENV: 'production', JWT_SECRET_KEY: PRODUCTION_SECRET, TRUST_PROXY: 'loopback' } }),
    ]);
  });

  const routes: Array<[string, (api: TestApi) => Promise<Response>]> = [
    ['POST /graphql', (api) => fetch(api.url, postJson('{ __typename }'))],
    ['GET /monitoring/health', (api) => fetch(`${api.baseUrl}/monitoring/health`)],
    ['an unknown route (404)', (api) => fetch(`${api.baseUrl}/nope`)],
  ];

  it.each(routes)('%s carries X-Content-Type-Options and Referrer-Policy', async (_route, request) => {
    for (const api of [dev, prod]) {
      const res = await request(api);
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('sends HSTS only for HTTPS behind a trusted proxy (TRUST_PROXY), never for plain HTTP', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const behindProxy = await fetch(proxied.url, postJson('{ __typename }', https));
    expect(behindProxy.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    // Plain HTTP through the same proxy, and a forged header at a server that trusts no proxy: no HSTS.
    const plain = await fetch(proxied.url, postJson('{ __typename }'));
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const forged = await fetch(prod.url, postJson('{ __typename }', https));
    expect(forged.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends a Content-Security-Policy in production only', async () => {
    const res = await fetch(`${prod.baseUrl}/monitoring/health`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const devRes = await fetch(`${dev.baseUrl}/monitoring/health`);
    expect(devRes.headers.get('content-security-policy')).toBeNull();
  });

  it('still serves the development landing page at GET /graphql, with no CSP to block its scripts', async () => {
    const res = await fetch(dev.url, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(html).toMatch(/<script/i);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

function postJson(query: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers },
    body: JSON.stringify({ query }),
  };
}
