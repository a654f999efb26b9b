import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { registerCleanup, startExtraRedis, uniqueId } from '../../../test/support/services.js';
import { createLogger } from '../../shared/logger.js';
import { createBeeJobQueue } from '../../shared/queue/index.js';
import { checkHealth } from './check-health.js';

describe('health: the queue component', () => {
  it('is up after SCRIPT FLUSH (scripts reloaded) and down while Redis answers PING but refuses writes', async () => {
    const server = await startExtraRedis();
    const queue = createBeeJobQueue({
      redisUrl: server.url,
      prefix: uniqueId('health'),
      worker: false,
      logger: createLogger({ level: 'silent' }),
    });
    registerCleanup(() => queue.close());
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    registerCleanup(() => admin.quit());
    const report = () =>
      checkHealth({
        probes: {
          database: async () => undefined,
          redis: async () => void (await admin.ping()),
          queue: () => queue.ping(),
        },
        version: 't',
        startedAt: Date.now(),
      });

    expect((await report()).components.queue).toBe('up');
    await admin.script('FLUSH');
    expect((await report()).components.queue).toBe('up');
    await queue.enqueueProcessResource({ resourceId: 'after-flush' });
    expect(await queue.jobState('after-flush')).toBe('waiting');

    await admin.replicaof('127.0.0.1', 1);
    const down = await report();
    expect(down.components).toMatchObject({ redis: 'up', queue: 'down' });
    expect(down.status).toBe('degraded');
    await admin.replicaof('NO', 'ONE');
    expect((await report()).components.queue).toBe('up');
  });
});
