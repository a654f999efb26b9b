/**
 * Fault scenario 3 (issue 10, defects 3, 4, 5, 8): Redis killed under load and restarted, without
 * persistence (a restart loses every key: queue, progress, deny-list) and with AOF, and `SCRIPT FLUSH`
 * (bee-queue's cached Lua SHAs go stale). One API and one worker on their own Redis and a PostgreSQL
 * database. During the fault only 200 or 503 SERVICE_UNAVAILABLE, no crash (also with a client
 * subscribing during the outage); afterwards createResource works again and every acknowledged resource
 * is COMPLETED without restarting anything; a token logged out before the fault stays refused.
 */
import { describe, expect, it } from 'vitest';
import {
  describeAnswer,
  gql,
  login,
  logout,
  ME,
  mustCreateResource,
  register,
  subscribeProgress,
  tally,
  waitUntilFinished,
} from './support/client.js';
import { startFaultRedis, type FaultRedis } from './support/fault-servers.js';
import { eventually, firstCreateAfter, report, seconds, startLoad, summarize } from './support/load.js';
import { spawnApi, spawnWorker } from './support/processes.js';
import { deploymentEnv } from './support/stack.js';

/** Long enough for the delayed crash of defect 3 (about 2.5 s after a subscribe while Redis is down). */
const OUTAGE_MS = 4_000;

const variants = [
  { name: 'redis-restart(no persistence)', fault: 'restart', persistence: 'none' },
  { name: 'redis-restart(appendonly)', fault: 'restart', persistence: 'aof' },
  { name: 'redis-script-flush', fault: 'script-flush', persistence: 'none' },
] as const;

describe.each(variants)('$name under load', ({ name, fault, persistence }) => {
  it('answers only 200/503 during the fault, recovers by itself, finishes every resource, keeps logouts', async () => {
    const redis = await startFaultRedis({ persistence });
    const env = await deploymentEnv({ redisUrl: redis.url });
    const api = await spawnApi(env, { name: 'api' });
    const worker = await spawnWorker(env, { name: 'worker' });
    const user = await register(api);
    const revoked = await login(api, user);
    await logout(api, revoked);
    expect((await gql(api, ME, {}, revoked.accessToken)).status).toBe(401);
    const subscribedTo = await mustCreateResource(api, user.accessToken);

    const load = startLoad({ apis: [api], token: user.accessToken });
    await eventually(() => load.created.length >= 3, 10_000);
    const revokedDuring: string[] = [];
    let healthDuring = 'not probed';
    let recoveredAt: number | null = null;
    let faultEnd: number;
    let outageMs = 0;
    if (fault === 'restart') {
      await redis.kill();
      const downAt = Date.now();
      // A client subscribing while Redis is down must not take the process with it (defect 3).
      const lateSubscriber = subscribeProgress(api, user.accessToken, subscribedTo);
      const outageEnd = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnd) {
        const answer = await gql(api, ME, {}, revoked.accessToken, 5_000);
        revokedDuring.push(describeAnswer(answer));
        if (healthDuring === 'not probed') {
          const health = await fetch(`${api.baseUrl}/monitoring/health`).catch(() => null);
          healthDuring = health
            ? `${health.status} ${((await health.json()) as { status?: string }).status}`
            : 'no answer';
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await redis.start();
      faultEnd = Date.now();
      outageMs = faultEnd - downAt;
      await lateSubscriber.close();
    } else {
      expect(await redis.command('SCRIPT', 'FLUSH')).toMatch(/^\+OK/);
      faultEnd = Date.now();
    }
    await eventually(() => (recoveredAt = firstCreateAfter(load.samples, faultEnd)) !== null, 20_000);
    // Keep the load a little longer after recovery, then stop it.
    await eventually(() => load.samples.filter((s) => s.at > (recoveredAt ?? Infinity)).length >= 6, 5_000);
    await load.stop();
    const stats = summarize(load.samples);
    const revokedAfter = await gql(api, ME, {}, revoked.accessToken);

    const ids = [subscribedTo, ...load.created];
    const finished = await waitUntilFinished(api, user.accessToken, ids, 30_000);
    const allDoneMs = Date.now() - faultEnd;
    const counts = tally(finished);
    const alive = { api: api.running(), worker: worker.running() };
    report(
      name,
      `${stats.requests} requests (slowest ${seconds(stats.slowestMs)}), ${stats.ok} ok, ${stats.unavailable} x 503, ${stats.bad} bad${
        stats.bad ? ` (${JSON.stringify(stats.badKinds)})` : ''
      }, ${fault === 'restart' ? `Redis down ${seconds(outageMs)} (health ${healthDuring})` : 'scripts flushed'}, createResource back ${seconds(
        recoveredAt === null ? null : recoveredAt - faultEnd,
      )} after it, resources ${JSON.stringify(counts)} of ${ids.length} ${seconds(allDoneMs)} after it, ` +
        `logged-out token after: ${describeAnswer(revokedAfter)}, processes alive: ${
          alive.api && alive.worker ? 'yes' : JSON.stringify(alive)
        }`,
    );

    expect(alive, `${api.tail()}\n${worker.tail()}`).toEqual({ api: true, worker: true });
    expect(stats.badKinds, `first bad answer: ${stats.firstBad}`).toEqual({});
    expect(
      revokedDuring.filter((a) => a.startsWith('200')),
      'logged-out token accepted during the outage',
    ).toEqual([]);
    expect(revokedAfter.status, describeAnswer(revokedAfter)).toBe(401);
    expect(recoveredAt, 'createResource never succeeded again').not.toBeNull();
    const unfinished = [...finished].filter(([, s]) => s !== 'COMPLETED');
    expect(
      counts,
      `not finished: ${JSON.stringify(unfinished)}\n${await queueStateOf(
        redis,
        env.REDIS_KEY_PREFIX!,
        unfinished.map(([id]) => id),
      )}\n${unfinished.flatMap(([id]) => [api, worker].map((p) => p.linesAbout(id))).join('\n')}`,
    ).toEqual({
      COMPLETED: ids.length,
    });
    if (fault === 'restart') expect(healthDuring).toBe('200 degraded');
  }, 90_000);
});

/** Where each job sits in bee-queue's keys (`<prefix>queue:process-resource:*`), for failure messages. */
async function queueStateOf(redis: FaultRedis, keyPrefix: string, ids: readonly string[]): Promise<string> {
  const key = (name: string) => `${keyPrefix.replace(/:+$/, '')}:queue:process-resource:${name}`;
  const lines = await Promise.all(
    ids.map(async (id) => {
      const [job, waiting, active, delayed, failed, succeeded, stalling] = await Promise.all([
        redis.command('HEXISTS', key('jobs'), id),
        redis.command('LPOS', key('waiting'), id),
        redis.command('LPOS', key('active'), id),
        redis.command('ZSCORE', key('delayed'), id),
        redis.command('SISMEMBER', key('failed'), id),
        redis.command('SISMEMBER', key('succeeded'), id),
        redis.command('SISMEMBER', key('stalling'), id),
      ]);
      const flat = (reply: string) => reply.replace(/\r\n/g, ' ').trim();
      return `job ${id}: jobs-hash ${flat(job)}, waiting ${flat(waiting)}, active ${flat(active)}, delayed ${flat(
        delayed,
      )}, failed ${flat(failed)}, succeeded ${flat(succeeded)}, stalling ${flat(stalling)}`;
    }),
  );
  return `--- bee-queue state ---\n${lines.join('\n')}`;
}
