/**
 * Fault scenario 5 (issue 10, defect 9): a worker is killed with SIGKILL in the middle of a job while
 * a second worker runs. The job must complete on the other worker, and while it waits for a free
 * worker its progress must say PENDING, not the dead worker's stale PROCESSING.
 *
 * worker-1 (concurrency 1) holds job A (a page that never answers in time); worker-2 (concurrency 1)
 * is busy for 8 s with job B. kill -9 worker-1: job A is orphaned and has to wait until worker-2 is
 * free, which is the window in which its progress is observed.
 */
import { expect, it } from 'vitest';
import { mustCreateResource, progressOf, register, waitUntilFinished } from './support/client.js';
import { report, seconds } from './support/load.js';
import { spawnApi, spawnWorker } from './support/processes.js';
import { startSlowSite } from './support/slow-site.js';
import { deploymentEnv } from './support/stack.js';

const BUSY_MS = 8_000;

it('kill -9 of a worker mid-job: the job completes on the other worker and shows PENDING while it waits', async () => {
  const site = await startSlowSite((path, call) => {
    if (path === '/orphan') return call === 1 ? 60_000 : 0;
    if (path === '/busy') return BUSY_MS;
    return 0;
  });
  const env = await deploymentEnv({ redisUrl: 'shared', env: { WORKER_CONCURRENCY: '1' } });
  const api = await spawnApi(env, { name: 'api' });
  const user = await register(api);

  const doomed = await spawnWorker(env, { name: 'worker-1' });
  const orphan = await mustCreateResource(api, user.accessToken, { url: `${site.base}/orphan` });
  await site.waitForCall('/orphan');
  const before = (await progressOf(api, user.accessToken, orphan)).data?.resourceProgress;
  expect(before?.overallStatus).toBe('PROCESSING');

  const survivor = await spawnWorker(env, { name: 'worker-2' });
  const busy = await mustCreateResource(api, user.accessToken, { url: `${site.base}/busy` });
  await site.waitForCall('/busy');

  doomed.signal('SIGKILL');
  await doomed.exited;
  const killedAt = Date.now();
  const seen: Array<{ at: number; status: string; retaken: boolean; reason: string | null }> = [];
  const deadline = killedAt + 40_000;
  while (Date.now() < deadline) {
    const retaken = site.calls('/orphan') >= 2;
    const progress = (await progressOf(api, user.accessToken, orphan)).data?.resourceProgress;
    if (progress) {
      const stage = progress.stages.find((s) => s.status !== 'COMPLETED');
      seen.push({
        at: Date.now(),
        status: progress.overallStatus,
        retaken,
        reason: progress.error ?? stage?.error ?? null,
      });
      if (progress.overallStatus === 'COMPLETED' || progress.overallStatus === 'FAILED') break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const waiting = seen.filter((s) => !s.retaken);
  const pending = waiting.find((s) => s.status === 'PENDING');
  const final = seen.at(-1);
  const finished = await waitUntilFinished(api, user.accessToken, [orphan, busy], 20_000);
  report(
    'worker-kill-9',
    `orphaned job ${final?.status ?? 'unknown'} on worker-2 ${seconds(final ? final.at - killedAt : null)} after the kill, ` +
      `while waiting (${waiting.length} polls over ${seconds(waiting.length ? waiting.at(-1)!.at - killedAt : 0)}): ${
        pending
          ? `PENDING after ${seconds(pending.at - killedAt)}${pending.reason ? ` ("${pending.reason}")` : ''}`
          : 'never PENDING'
      }, statuses ${[...new Set(waiting.map((s) => s.status))].join('/') || 'none'}; busy job ${finished.get(busy)}`,
  );

  expect(survivor.running(), survivor.tail()).toBe(true);
  expect(Object.fromEntries(finished)).toEqual({ [orphan]: 'COMPLETED', [busy]: 'COMPLETED' });
  expect(site.calls('/orphan'), 'the orphaned job was never run again').toBeGreaterThanOrEqual(2);
  expect(
    pending,
    `progress while waiting: ${JSON.stringify(waiting.map((s) => [s.at - killedAt, s.status]))}`,
  ).toBeDefined();
}, 75_000);
