import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';

/** `query { ...F0 }`, each F<i> spreading F<i+1> twice, the last selecting `health`: 2^n copies, all free. */
function fanOut(n: number): string {
  const parts = ['query { ...F0 }'];
  for (let i = 0; i < n; i++) parts.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  parts.push(`fragment F${n} on Query { health { status } }`);
  return parts.join('\n');
}

/** A valid document of ~25,000 tokens (over the 20,000 limit). */
const HUGE = `{ health { status } ${'__typename '.repeat(25_000)}}`;

/** A graphql-ws client (sockets need a token) that resolves once connected; `closed` yields the close code. */
function connect(api: TestApi, token: string): Promise<{ client: Client; closed: Promise<number> }> {
  let onClose!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClose = resolve));
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: {
        connected: () => resolve({ client, closed }),
        closed: (event) => {
          onClose((event as { code: number }).code);
          reject(new Error('socket closed before connecting'));
        },
        error: reject,
      },
      onNonLazyError: () => undefined,
    });
  });
}

function run(client: Client, query: string): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: unknown } = {};
    client.subscribe(
      { query },
      {
        next: (r) => (result = r as typeof result),
        error: (err) => resolve({ errors: err }),
        complete: () => resolve(result),
      },
    );
  });
}

describe('hostile documents are refused fast (HTTP and WebSocket)', () => {
  let api: TestApi;
  const clients: Client[] = [];
  beforeAll(async () => {
    // The alias bound (test/security/query-cost.test.ts) would refuse the 1,900-alias document below first.
    api = await startTestApi({ env: { MAX_QUERY_ALIASES: '5000' } });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await api?.close();
  });

  it('an anonymous 2^30 fragment fan-out over HTTP gets QUERY_TOO_COMPLEX in well under 2 s', async () => {
    const started = performance.now();
    const res = await graphql(api, fanOut(30));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', maxSelections: 10_000 });
    // The server is still responsive.
    const health = await graphql<{ health: { status: string } }>(api, '{ health { status } }');
    expect(health.body.data?.health.status).toBeTypeOf('string');
  });

  it('a document over 20,000 tokens is BAD_USER_INPUT over HTTP', async () => {
    const res = await graphql(api, HUGE);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/more that 20000 tokens/);
    // Just under the limit is fine: 10 tokens per aliased selection, ~19,000 in all (MAX_QUERY_ALIASES raised above).
    const fields = Array.from({ length: 1_900 }, (_, i) => `a${i}: __typename @include(if: true)`).join(' ');
    const ok = await graphql(api, `{ health { status } ${fields} }`);
    expect(ok.body.errors, JSON.stringify(ok.body.errors)).toBeUndefined();
  });

  it('the same fan-out and token limits apply on the WebSocket', async () => {
    const { client } = await connect(api, (await createTestUser(api)).accessToken);
    clients.push(client);
    const started = performance.now();
    const fan = await run(client, fanOut(30));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(fan.data).toBeUndefined();
    expect(fan.errors).toMatchObject([{ extensions: { code: 'QUERY_TOO_COMPLEX', maxSelections: 10_000 } }]);
    const huge = await run(client, HUGE);
    expect(huge.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(await run(client, '{ health { status } }')).toMatchObject({ data: { health: {} } });
  });

  it('a WebSocket message over 1 MiB closes the socket (1009) instead of being buffered', async () => {
    const { client, closed } = await connect(api, (await createTestUser(api)).accessToken);
    clients.push(client);
    void run(client, `{ health { status } } # ${'x'.repeat((1 << 20) + 10)}`);
    expect(await closed).toBe(1009);
  });
});
