/**
 * Execution limits as an attacker meets them: the response byte cap (MAX_RESPONSE_BYTES), the execution
 * deadline (QUERY_TIMEOUT_MS) and cancellation when the client goes away, on HTTP and graphql-ws alike.
 */
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const BIG = 4_900_000;

function wsClient(api: TestApi, token: string): Client {
  const client = createClient({
    url: api.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    lazyCloseTimeout: 60_000,
  });
  clients.push(client);
  return client;
}
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

/** Runs one operation over graphql-ws; resolves with its result, or rejects with the close event. */
function wsQuery(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult> {
  return new Promise((resolve, reject) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (r) => (result = r as ExecutionResult),
        error: reject,
        complete: () => (result ? resolve(result) : reject(new Error('no result'))),
      },
    );
  });
}

async function createText(api: TestApi, user: TestUser, content: string): Promise<string> {
  const res = await graphql<{ createResource: { id: string } }>(
    api,
    'mutation($input: CreateResourceInput!) { createResource(input: $input) { id } }',
    { input: { title: 'Large text', content } },
    { token: user.accessToken },
  );
  const id = res.body.data?.createResource.id;
  if (!id) throw new Error(`createResource failed: ${JSON.stringify(res.body.errors)}`);
  return id;
}

const aliases = (n: number, body: string): string => Array.from({ length: n }, (_, i) => `a${i}: ${body}`).join('\n');

describe('response size cap (MAX_RESPONSE_BYTES)', () => {
  let api: TestApi;
  let small: TestApi;
  let user: TestUser;
  let bigId: string;
  let smallUser: TestUser;
  let mediumId: string;

  beforeAll(async () => {
    [api, small] = await Promise.all([
      // Pricing out of the way (MAX_QUERY_COST): this API shows what the byte cap does on its own.
      startTestApi({ provider: 'postgresql', env: { MAX_QUERY_COST: '1000000', RATE_LIMIT_ENABLED: 'false' } }),
      startTestApi({ env: { MAX_RESPONSE_BYTES: '65536' } }),
    ]);
    [user, smallUser] = await Promise.all([
      createTestUser(api, { tier: 'PREMIUM' }),
      createTestUser(small, { tier: 'PREMIUM' }),
    ]);
    // Words, so the full-text index and chunker treat it as ordinary prose.
    bigId = await createText(api, user, 'lorem ipsum dolor sit amet '.repeat(Math.ceil(BIG / 27)).slice(0, BIG));
    mediumId = await createText(small, smallUser, 'consectetur adipiscing elit '.repeat(4_000));
  }, 120_000);

  it('refuses 120 aliases of a 4.9 MB content over HTTP with QUERY_TOO_COMPLEX and 400, not a 500', async () => {
    const started = performance.now();
    const res = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({
        query: `query($id: ID!) { ${aliases(120, 'resource(id: $id) { content }')} }`,
        variables: { id: bigId },
      }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    expect(res.status).toBe(400);
    const body = JSON.parse(text) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'MAX_RESPONSE_BYTES',
      maxBytes: 8 * 1024 * 1024,
    });
    expect(body.data ?? null).toBeNull();
    expect(text.length).toBeLessThan(64 * 1024);
    console.info(`120 × 4.9 MB content refused in ${ms.toFixed(0)} ms, ${text.length} bytes`);
  });

  it('refuses the same over graphql-ws with one QUERY_TOO_COMPLEX error, and the socket stays usable', async () => {
    const client = wsClient(api, user.accessToken);
    const result = await wsQuery(client, `query($id: ID!) { ${aliases(120, 'resource(id: $id) { content }')} }`, {
      id: bigId,
    });
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'MAX_RESPONSE_BYTES',
      maxBytes: 8 * 1024 * 1024,
    });
    const after = await wsQuery(client, '{ me { id } }');
    expect(after.data).toEqual({ me: { id: user.id } });
  });

  it('stops an answer past the cap while it is produced (limit: MAX_RESPONSE_BYTES), HTTP and WebSocket', async () => {
    const query = `query($id: ID!) { resource(id: $id) { id content } }`;
    const http = await graphql(small, query, { id: mediumId }, { token: smallUser.accessToken });
    expect(http.status).toBe(400);
    expect(http.body.data ?? null).toBeNull();
    expect(http.body.errors).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'MAX_RESPONSE_BYTES', maxBytes: 65536 },
      }),
    ]);
    const ws = await wsQuery(wsClient(small, smallUser.accessToken), query, { id: mediumId });
    expect(ws.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'MAX_RESPONSE_BYTES',
      maxBytes: 65536,
    });
    // Under the cap the same resource answers normally.
    const ok = await graphql(
      small,
      `
        query ($id: ID!) {
          resource(id: $id) {
            id
            title
          }
        }
      `,
      { id: mediumId },
      {
        token: smallUser.accessToken,
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
  });
});

describe('execution deadline (QUERY_TIMEOUT_MS) and cancellation', () => {
  let api: TestApi;
  let strict: TestApi;
  let user: TestUser;

  beforeAll(async () => {
    // Pricing out of the way: the slow search below runs several times, past a PREMIUM minute budget.
    api = await startTestApi({
      provider: 'postgresql',
      env: { MAX_QUERY_COST: '1000000', RATE_LIMIT_ENABLED: 'false' },
    });
    user = await createTestUser(api, { tier: 'PREMIUM' });
    // Same database and signing key, a 1 ms deadline: every operation that touches the database overruns it.
    strict = await startTestApi({
      provider: 'postgresql',
      env: {
        DATABASE_URL: api.config.database.url.reveal(),
        JWT_SECRET_KEY: api.config.auth.jwtSecret.reveal(),
        QUERY_TIMEOUT_MS: '1',
      },
    });
    const words = ['graph', 'vector', 'search', 'index', 'query', 'node', 'edge', 'rank', 'token', 'cache'];
    for (let i = 0; i < 40; i++) {
      const text = Array.from({ length: 6_000 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ');
      await createText(api, user, `${text} document ${i}`);
    }
  }, 180_000);

  it('answers QUERY_TOO_COMPLEX (limit: QUERY_TIMEOUT_MS) at the deadline over HTTP', async () => {
    const res = await graphql(
      strict,
      '{ resources(first: 50) { edges { node { id content } } } }',
      {},
      {
        token: user.accessToken,
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'QUERY_TIMEOUT_MS', timeoutMs: 1 } }),
    ]);
  });

  it('answers QUERY_TOO_COMPLEX (limit: QUERY_TIMEOUT_MS) at the deadline over graphql-ws', async () => {
    const result = await wsQuery(
      wsClient(strict, user.accessToken),
      '{ resources(first: 50) { edges { node { id content } } } }',
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'QUERY_TIMEOUT_MS',
      timeoutMs: 1,
    });
  });

  const slowSearch = `{ ${aliases(30, 'search(query: "graph vector search index", mode: HYBRID, limit: 50) { score snippet }')} }`;

  it('stops a search when the HTTP client disconnects', async () => {
    const started = performance.now();
    const full = await graphql(api, slowSearch, {}, { token: user.accessToken });
    expect(full.body.errors).toBeUndefined();
    const fullMs = performance.now() - started;
    console.info(`the whole search takes ${fullMs.toFixed(0)} ms`);
    const requestId = `disconnect-${Date.now()}`;
    const controller = new AbortController();
    const pending = fetch(api.url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${user.accessToken}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({ query: slowSearch }),
    }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, Math.min(40, fullMs / 4)));
    const abortedAt = performance.now();
    controller.abort();
    await pending;
    const stopped = await waitForLog(api, (l) => l.requestId === requestId && l.msg === 'operation stopped', 5_000);
    const ms = performance.now() - abortedAt;
    expect(stopped).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'CANCELLED' });
    expect(api.logs.some((l) => l.requestId === requestId && String(l.msg).startsWith('client closed'))).toBe(true);
    console.info(`search stopped ${ms.toFixed(0)} ms after the client disconnected`);
  });

  it('stops a query when the graphql-ws client completes it', async () => {
    const client = wsClient(api, user.accessToken);
    await wsQuery(client, '{ me { id } }');
    const started = performance.now();
    await wsQuery(client, slowSearch);
    const fullMs = performance.now() - started;
    const before = api.logs.length;
    const received: unknown[] = [];
    const unsubscribe = client.subscribe(
      { query: slowSearch },
      { next: (r) => received.push(r), error: (e) => received.push(e), complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, Math.min(40, fullMs / 4)));
    const completedAt = performance.now();
    unsubscribe();
    const stopped = await waitForLog(
      api,
      (l, i) => i >= before && l.msg === 'operation stopped' && l.limit === 'CANCELLED',
      5_000,
    );
    const ms = performance.now() - completedAt;
    expect(stopped).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'CANCELLED' });
    // Stopped, not run to the end: graphql-ws itself only notices the `complete` once execution returns.
    expect(ms).toBeLessThan(fullMs / 2);
    // A completed operation gets nothing more, not even its error.
    expect(received).toEqual([]);
    console.info(
      `search stopped ${ms.toFixed(0)} ms after the client completed it (whole search ${fullMs.toFixed(0)} ms)`,
    );
  });
});

async function waitForLog(
  api: TestApi,
  match: (line: Record<string, unknown>, index: number) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = api.logs.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('log line not seen');
    await new Promise((r) => setTimeout(r, 10));
  }
}
