/**
 * Fault scenario 4 (issue 10, defects 5 and 7): PostgreSQL stopped (`pg_ctl stop -m fast`) under load
 * and started again, with jobs in the middle of processing. One API and one worker on their own
 * PostgreSQL cluster and the shared Redis. During the outage every failed answer is 503
 * SERVICE_UNAVAILABLE with Retry-After; afterwards createResource works again without restarting
 * anything and no resource is left unfinished (pg connection errors are transient, not FAILED).
 */
import { expect, it } from 'vitest';
import { mustCreateResource, register, tally, waitUntilFinished } from './support/client.js';
import { startFaultPostgres } from './support/fault-servers.js';
import { eventually, firstCreateAfter, report, seconds, startLoad, summarize } from './support/load.js';
import { spawnApi, spawnWorker } from './support/processes.js';
import { startSlowSite } from './support/slow-site.js';
import { deploymentEnv } from './support/stack.js';

// Longer than the retry window of a job (3 retries, 1-2-4 s backoff): a real restart takes that long.
const OUTAGE_MS = 10_000;

it('PostgreSQL restart under load: 503 + Retry-After meanwhile, then everything works and finishes', async () => {
  const postgres = await startFaultPostgres();
  // Pages that take 2 s to fetch: their jobs are between stages when the database goes away.
  const site = await startSlowSite(() => 2_000);
  const env = await deploymentEnv({ databaseUrl: postgres.url, redisUrl: 'shared' });
  const api = await spawnApi(env, { name: 'api' });
  const worker = await spawnWorker(env, { name: 'worker' });
  const user = await register(api);

  const load = startLoad({ apis: [api], token: user.accessToken, requireRetryAfter: true });
  await eventually(() => load.created.length >= 3, 10_000);
  const midJob = await Promise.all(
    [1, 2, 3].map((i) => mustCreateResource(api, user.accessToken, { url: `${site.base}/page-${i}` })),
  );
  await site.waitForCall('/page-1');

  const faultStart = Date.now();
  await postgres.stop();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await postgres.start();
  const faultEnd = Date.now();
  const outage = load.samples.filter((s) => s.at > faultStart && s.at <= faultEnd);

  let recoveredAt: number | null = null;
  await eventually(() => (recoveredAt = firstCreateAfter(load.samples, faultEnd)) !== null, 20_000);
  await eventually(() => load.samples.filter((s) => s.at > (recoveredAt ?? Infinity)).length >= 6, 5_000);
  await load.stop();
  const stats = summarize(load.samples);

  const ids = [...midJob, ...load.created];
  const finished = await waitUntilFinished(api, user.accessToken, ids, 30_000);
  const allDoneMs = Date.now() - faultEnd;
  const counts = tally(finished);
  const alive = { api: api.running(), worker: worker.running() };
  report(
    'postgres-restart',
    `${stats.requests} requests (${outage.length} during the outage, slowest ${seconds(stats.slowestMs)}), ${stats.ok} ok, ${stats.unavailable} x 503 + Retry-After, ${stats.bad} bad${
      stats.bad ? ` (${JSON.stringify(stats.badKinds)})` : ''
    }, outage ${seconds(faultEnd - faultStart)}, createResource back ${seconds(
      recoveredAt === null ? null : recoveredAt - faultEnd,
    )} after restart, resources ${JSON.stringify(counts)} of ${ids.length} ${seconds(allDoneMs)} after restart, processes alive: ${
      alive.api && alive.worker ? 'yes' : JSON.stringify(alive)
    }`,
  );

  expect(alive, `${api.tail()}\n${worker.tail()}`).toEqual({ api: true, worker: true });
  expect(stats.badKinds, `first bad answer: ${stats.firstBad}`).toEqual({});
  expect(outage.filter((s) => s.verdict === 'unavailable').length, 'no 503 seen during the outage').toBeGreaterThan(0);
  expect(recoveredAt, 'createResource never succeeded again').not.toBeNull();
  const unfinished = [...finished].filter(([, s]) => s !== 'COMPLETED');
  expect(
    counts,
    `not finished: ${JSON.stringify(unfinished)}\n${unfinished
      .flatMap(([id]) => [api, worker].map((p) => p.linesAbout(id)))
      .join('\n')}`,
  ).toEqual({
    COMPLETED: ids.length,
  });
}, 90_000);
