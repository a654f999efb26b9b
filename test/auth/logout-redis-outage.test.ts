import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';
import { startExtraRedis, type ExtraServer } from '../support/services.js';

// Issue 10 item 8: the database is the source of truth for ended sessions; Redis only caches them.
const ME = '{ me { id } }';
const LOGOUT = 'mutation($t: String, $all: Boolean) { logout(refreshToken: $t, allSessions: $all) }';

let redis: ExtraServer;
let api: TestApi;

beforeAll(async () => {
  redis = await startExtraRedis(); // --save '' --appendonly no: a restart loses every key
  api = await startTestApi({ provider: 'postgresql', env: { REDIS_URL: redis.url } });
});

const meStatus = async (token: string) => (await graphql(api, ME, {}, { token })).status;

describe('logout holds through Redis outages and data loss', () => {
  it('a token logged out while Redis was up stays refused after Redis restarts empty, and while it is down', async () => {
    const user = await createTestUser(api);
    expect(await meStatus(user.accessToken)).toBe(200);
    const out = await graphql(api, LOGOUT, {}, { token: user.accessToken });
    expect(out.body.data).toEqual({ logout: true });
    expect(await meStatus(user.accessToken)).toBe(401);
    await redis.stop();
    try {
      expect(await meStatus(user.accessToken)).toBe(401);
    } finally {
      await redis.start();
    }
    expect(await meStatus(user.accessToken)).toBe(401);
  }, 30_000);

  it('logout while Redis is down succeeds and holds, during the outage and after Redis is back', async () => {
    const user = await createTestUser(api);
    const other = await createTestUser(api);
    expect(await meStatus(user.accessToken)).toBe(200);
    await redis.stop();
    try {
      // Still usable while Redis is down (not locked out): only logged-out tokens are refused.
      expect(await meStatus(other.accessToken)).toBe(200);
      const out = await graphql(api, LOGOUT, { all: true }, { token: user.accessToken });
      expect(out.body.errors).toBeUndefined();
      expect(out.body.data).toEqual({ logout: true });
      expect(await meStatus(user.accessToken)).toBe(401);
    } finally {
      await redis.start();
    }
    expect(await meStatus(user.accessToken)).toBe(401);
    expect(await meStatus(other.accessToken)).toBe(200);
    const refresh = await graphql(api, 'mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }', {
      t: user.refreshToken,
    });
    expect(refresh.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }, 30_000);
});
