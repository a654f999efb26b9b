import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';

const ME = '{ me { id tier } }';
const LOGOUT = 'mutation($all: Boolean) { logout(allSessions: $all) }';

interface Socket {
  readonly client: Client;
  /** Resolves with the close code once the socket closes. */
  readonly closed: Promise<number>;
}

function openSocket(api: TestApi, token: string): Promise<Socket> {
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
        closed: (event) => onClose((event as { code: number }).code),
        error: reject,
      },
      onNonLazyError: () => undefined,
    });
  });
}

/** Runs one query on the socket: its data, or the errors / close event it ended with. */
function query(client: Client, q: string): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: unknown } = {};
    client.subscribe(
      { query: q },
      {
        next: (r) => (result = r as typeof result),
        error: (err) => resolve({ errors: err }),
        complete: () => resolve(result),
      },
    );
  });
}

describe.each([
  { provider: 'postgresql' as const, redis: true },
  { provider: 'sqlite' as const, redis: false },
])('open WebSockets follow logout and deactivation ($provider, redis: $redis)', ({ provider, redis }) => {
  let api: TestApi;
  const sockets: Client[] = [];
  beforeAll(async () => {
    api = await startTestApi({ provider, redis });
  });
  afterEach(async () => {
    for (const c of sockets.splice(0)) await c.dispose();
  });

  it('logout(allSessions) closes the socket with 4401 on its next operation', async () => {
    const user = await createTestUser(api);
    const ws = await openSocket(api, user.accessToken);
    sockets.push(ws.client);
    expect((await query(ws.client, ME)).data).toMatchObject({ me: { id: user.id } });
    const out = await graphql(api, LOGOUT, { all: true }, { token: user.accessToken });
    expect(out.body.errors).toBeUndefined();
    const after = await query(ws.client, ME);
    expect(after.data).toBeUndefined();
    expect(await ws.closed).toBe(4401);
  });

  it('deactivation closes the socket with 4401 on its next operation; another user is unaffected', async () => {
    const user = await createTestUser(api);
    const other = await createTestUser(api);
    const ws = await openSocket(api, user.accessToken);
    const ok = await openSocket(api, other.accessToken);
    sockets.push(ws.client, ok.client);
    expect((await query(ws.client, ME)).data).toMatchObject({ me: { id: user.id } });
    await api.runtime.auth.setUserActive(user.id, false);
    expect((await query(ws.client, ME)).data).toBeUndefined();
    expect(await ws.closed).toBe(4401);
    expect((await query(ok.client, ME)).data).toMatchObject({ me: { id: other.id } });
  });

  it('a tier change applies to the next operation on an open socket', async () => {
    const user = await createTestUser(api);
    const ws = await openSocket(api, user.accessToken);
    sockets.push(ws.client);
    expect((await query(ws.client, ME)).data).toMatchObject({ me: { tier: 'FREE' } });
    await api.runtime.auth.setUserTier(user.id, 'PREMIUM');
    expect((await query(ws.client, '{ rateLimitStatus { tier } }')).data).toMatchObject({
      rateLimitStatus: { tier: 'PREMIUM' },
    });
  });
});
