/**
 * Fault scenario 6 (issue 10): two API instances and two workers on one PostgreSQL and one Redis.
 * The rate-limit budget is one budget across instances, progress of a resource created on A reaches
 * a subscriber on B, and a logout on A refuses the token on B at once (HTTP and open WebSocket).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeAnswer,
  gql,
  login,
  logout,
  ME,
  mustCreateResource,
  register,
  subscribeProgress,
  type Session,
} from './support/client.js';
import { report, seconds } from './support/load.js';
import { spawnApi, spawnWorker, type PharosApi } from './support/processes.js';
import { startSlowSite, type SlowSite } from './support/slow-site.js';
import { deploymentEnv } from './support/stack.js';

const LIMIT_PER_MINUTE = 12;

let a: PharosApi;
let b: PharosApi;
let site: SlowSite;

beforeAll(async () => {
  site = await startSlowSite(() => 1_500);
  const env = await deploymentEnv({
    redisUrl: 'shared',
    env: { RATE_LIMIT_FREE_PER_MINUTE: String(LIMIT_PER_MINUTE) },
  });
  [a, b] = await Promise.all([spawnApi(env, { name: 'api-A' }), spawnApi(env, { name: 'api-B' })]);
  await Promise.all([spawnWorker(env, { name: 'worker-1' }), spawnWorker(env, { name: 'worker-2' })]);
}, 90_000);

describe('two API instances and two workers on one PostgreSQL and Redis', () => {
  it('share one rate-limit budget: requests on A and B count against the same limit', async () => {
    const user = await register(a);
    const trail: Array<{ on: string; status: number; used: number | null; code: string | null }> = [];
    for (let i = 0; i < LIMIT_PER_MINUTE + 4; i++) {
      const api = i % 2 === 0 ? a : b;
      const res = await gql(api, ME, {}, user.accessToken);
      const used = res.headers?.get('x-ratelimit-used');
      trail.push({ on: api === a ? 'A' : 'B', status: res.status, used: used ? Number(used) : null, code: res.code });
      if (res.status === 429) break;
    }
    const allowed = trail.filter((t) => t.status === 200);
    const refused = trail.find((t) => t.status === 429);
    report(
      'cluster-rate-limit',
      `limit ${LIMIT_PER_MINUTE}/min: ${allowed.filter((t) => t.on === 'A').length} allowed on A + ${
        allowed.filter((t) => t.on === 'B').length
      } on B, then ${refused ? `429 ${refused.code} on ${refused.on}` : 'no 429'}; X-RateLimit-Used ${allowed
        .map((t) => `${t.on}${t.used}`)
        .join(' ')}`,
    );
    const used = allowed.map((t) => t.used);
    expect(used.every((u) => u !== null)).toBe(true);
    // One counter: every answer, whichever instance gave it, counts everything spent before.
    for (let i = 1; i < used.length; i++) expect(used[i]!).toBeGreaterThan(used[i - 1]!);
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(allowed.length).toBeLessThanOrEqual(LIMIT_PER_MINUTE);
    expect(allowed.filter((t) => t.on === 'A').length).toBeLessThan(LIMIT_PER_MINUTE);
    expect(allowed.filter((t) => t.on === 'B').length).toBeLessThan(LIMIT_PER_MINUTE);
  });

  it('progress of a resource created on A reaches a subscriber on B, live and in order', async () => {
    const user = await register(a);
    const t = Date.now();
    const id = await mustCreateResource(a, user.accessToken, { url: `${site.base}/cluster-page` });
    const subscription = subscribeProgress(b, user.accessToken, id);
    const done = await subscription.until((e) => e.overallStatus === 'COMPLETED' || e.overallStatus === 'FAILED');
    const statuses = subscription.events.map((e) => e.overallStatus);
    report(
      'cluster-progress',
      `created on A, ${subscription.events.length} events on B (${[...new Set(statuses)].join(' → ')}), ${done.overallStatus} after ${seconds(Date.now() - t)}`,
    );
    expect(done.overallStatus).toBe('COMPLETED');
    // The first event is the snapshot taken while the page was still loading: the rest came live.
    expect(statuses[0]).not.toBe('COMPLETED');
    // More than the snapshot: live changes published by a worker arrived through Redis on B.
    expect(statuses.filter((s) => s === 'PROCESSING').length).toBeGreaterThan(0);
    expect(statuses.indexOf('COMPLETED')).toBe(statuses.length - 1);
  });

  it('a logout on A refuses the token on B at once, over HTTP and on an open WebSocket', async () => {
    const registered: Session = await register(a);
    const session = await login(a, registered);
    const target = await mustCreateResource(a, session.accessToken);
    expect((await gql(b, ME, {}, session.accessToken)).status).toBe(200);
    const socket = subscribeProgress(b, session.accessToken, target);
    await socket.until(() => true, 10_000);

    await logout(a, session);
    const afterOnB = await gql(b, ME, {}, session.accessToken);
    // An open socket is re-checked on its next operation (src/server/websocket.ts): refused, 4401.
    const nextOperation = await socket.subscribeAgain(target);
    report(
      'cluster-logout',
      `token after logout on A, on B: ${describeAnswer(afterOnB)}; next operation on an open WebSocket on B: ${nextOperation}`,
    );
    expect(afterOnB.status).toBe(401);
    expect(afterOnB.code).toBe('UNAUTHENTICATED');
    expect(nextOperation).toMatch(/^(closed 4401|error .*UNAUTHENTICATED)/);
  });
});
