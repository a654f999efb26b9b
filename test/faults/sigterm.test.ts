/**
 * Fault scenario 2 (issue 10, defect 2): SIGTERM with work in flight, distributed mode (PostgreSQL +
 * Redis). The API closes subscriptions with 1001, finishes requests it already accepted and exits 0
 * well under its 15 s forced exit; a worker exits 0 and no job is lost (finished, or handed back and
 * completed by another worker).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mustCreateResource, register, subscribeProgress, waitUntilFinished, type Session } from './support/client.js';
import { openInFlightRequest } from './support/in-flight.js';
import { report, seconds } from './support/load.js';
import { spawnApi, spawnWorker } from './support/processes.js';
import { startSlowSite, type SlowSite } from './support/slow-site.js';
import { deploymentEnv } from './support/stack.js';

let env: Record<string, string>;
let site: SlowSite;

beforeAll(async () => {
  env = await deploymentEnv({ redisUrl: 'shared' });
  site = await startSlowSite((path, call) => {
    if (path === '/drain') return 1_500;
    // Longer than the worker's 3 s shutdown timeout on the first call, immediate when retried.
    if (path === '/handback') return call === 1 ? 12_000 : 0;
    return 0;
  });
});

describe('SIGTERM with work in flight (distributed mode)', () => {
  it('API: subscription closed with 1001, accepted requests answered 200, exit 0 in well under 15 s', async () => {
    const api = await spawnApi(env, { name: 'api' });
    const user: Session = await register(api);
    const id = await mustCreateResource(api, user.accessToken);
    const subscription = subscribeProgress(api, user.accessToken, id);
    await subscription.until(() => true, 10_000);

    const requests = Array.from({ length: 4 }, (_, i) =>
      openInFlightRequest(api.url, { query: i % 2 ? '{ me { id } }' : '{ health { status } }' }, user.accessToken),
    );
    await Promise.all(requests.map((r) => r.accepted));

    api.signal('SIGTERM');
    const answers = await Promise.all(requests.map((r) => r.finish()));
    const close = await subscription.untilClosed(14_000).catch(() => null);
    const exit = await Promise.race([
      api.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    const answered = answers.filter((a) => a.status === 200 && !a.body.includes('"errors"')).length;
    report(
      'sigterm-api',
      `${answered}/${answers.length} in-flight requests answered 200, subscription close ${close?.code ?? 'none'}, exit ${
        exit ? `${exit.code ?? exit.signal} after ${seconds(exit.afterSignalMs)}` : 'none within 20 s'
      }`,
    );

    expect(
      answers.map((a) => a.status),
      JSON.stringify(answers),
    ).toEqual([200, 200, 200, 200]);
    expect(answered).toBe(answers.length);
    expect(close?.code).toBe(1001);
    expect(exit, api.tail()).toMatchObject({ code: 0, signal: null });
    expect(exit!.afterSignalMs).toBeLessThan(10_000);
  }, 60_000);

  it('worker: exit 0 with two jobs in flight; one drains, the other is handed back and completed by another worker', async () => {
    const api = await spawnApi(env, { name: 'api' });
    const user = await register(api);
    const first = await spawnWorker({ ...env, WORKER_SHUTDOWN_TIMEOUT_MS: '3000' }, { name: 'worker-1' });
    const drained = await mustCreateResource(api, user.accessToken, { url: `${site.base}/drain` });
    const handedBack = await mustCreateResource(api, user.accessToken, { url: `${site.base}/handback` });
    await Promise.all([site.waitForCall('/drain'), site.waitForCall('/handback')]);

    first.signal('SIGTERM');
    const exit = await Promise.race([
      first.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    const drainedStatus = (await waitUntilFinished(api, user.accessToken, [drained], 0)).get(drained);

    const t = Date.now();
    await spawnWorker(env, { name: 'worker-2' });
    const finished = await waitUntilFinished(api, user.accessToken, [drained, handedBack], 30_000);
    const completedMs = Date.now() - t;
    report(
      'sigterm-worker',
      `exit ${exit ? `${exit.code ?? exit.signal} after ${seconds(exit.afterSignalMs)}` : 'none within 20 s'} (shutdown timeout 3 s), drained job ${drainedStatus}, handed-back job ${finished.get(handedBack)} on worker-2 after ${seconds(completedMs)}, jobs lost: ${[...finished.values()].filter((s) => s !== 'COMPLETED').length}`,
    );

    expect(exit, first.tail()).toMatchObject({ code: 0, signal: null });
    expect(exit!.afterSignalMs).toBeLessThan(10_000);
    expect(Object.fromEntries(finished)).toEqual({ [drained]: 'COMPLETED', [handedBack]: 'COMPLETED' });
    expect(site.calls('/handback')).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
