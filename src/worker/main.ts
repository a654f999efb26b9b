import 'reflect-metadata';
import { runMain } from '../bootstrap/index.js';
import { startWorker } from './start-worker.js';

// `npm run worker`: exits 1 with one line when configuration, the database, Redis or the model cannot
// be had; SIGTERM/SIGINT drain running jobs, close everything and exit 0.
runMain({
  label: 'Worker',
  loggerName: 'pharos-worker',
  shutdownTimeoutMs: (config) => config.worker.shutdownTimeoutMs + 10_000,
  async start(config, logger) {
    if (!config.redis.url)
      logger.warn(
        'REDIS_URL is not set: this worker only sees jobs of its own process (embedded mode runs the worker inside the API)',
      );
    const worker = await startWorker({ config, logger });
    return {
      async stop(signal) {
        logger.info(
          { signal, timeoutMs: config.worker.shutdownTimeoutMs },
          'stopping: no new jobs, waiting for running ones',
        );
        const { drained } = await worker.stop();
        logger.info({ drained }, 'worker stopped');
      },
    };
  },
});
