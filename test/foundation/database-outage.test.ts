import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { registerCleanup, startExtraPostgres, type ExtraServer } from '../support/services.js';

// Issue 10 item 7: a database outage answers SERVICE_UNAVAILABLE, HTTP 503 with Retry-After, on every
// path (token check, resolver, mutation) and on WebSocket, never INTERNAL_SERVER_ERROR or 200/500.
const ME = '{ me { id } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const RESOURCE = 'query($id: ID!) { resource(id: $id) { id } }';

let pg: ExtraServer;
let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  pg = await startExtraPostgres();
  api = await startTestApi({ provider: 'postgresql', env: { DATABASE_URL: pg.url } });
  user = await createTestUser(api);
});

function expect503(res: {
  status: number;
  headers: Headers;
  body: { errors?: Array<{ extensions?: Record<string, unknown> }> };
}) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.body.errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
  expect(res.body.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
}

function wsCloseCode(token: string): Promise<number | 'connected'> {
  return new Promise((resolve) => {
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: {
        connected: () => resolve('connected'),
        closed: (event) => resolve((event as { code: number }).code),
      },
      onNonLazyError: () => undefined,
    });
    registerCleanup(() => client.dispose());
  });
}

describe('PostgreSQL stopped', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After on HTTP and 1013 on WebSocket, then recovers', async () => {
    // Cached token state would hide the outage from `me`: wait for the session/user caches to lapse.
    await new Promise((r) => setTimeout(r, (api.config.auth.userCacheSeconds + 1) * 1000));
    await pg.stop();
    try {
      expect503(await graphql(api, ME, {}, { token: user.accessToken }));
      expect503(await graphql(api, LOGIN, { e: user.email, p: user.password }));
      expect503(
        await graphql(api, RESOURCE, { id: '00000000-0000-0000-0000-000000000000' }, { token: user.accessToken }),
      );
      // The token is not the problem: no 4401 (which tells clients to drop it), but "try again later".
      expect(await wsCloseCode(user.accessToken)).toBe(1013);
    } finally {
      await pg.start();
    }
    let res = await graphql(api, ME, {}, { token: user.accessToken });
    for (let i = 0; i < 50 && res.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      res = await graphql(api, ME, {}, { token: user.accessToken });
    }
    expect(res.body.data).toEqual({ me: { id: user.id } });
    expect(await wsCloseCode(user.accessToken)).toBe('connected');
  }, 60_000);
});
