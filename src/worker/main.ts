import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from '../shared/logger.js';
import { startWorker } from './start-worker.js';

// Entry point of `npm run worker`: exits 1 with one clear line when configuration, the database or
// the embedding model cannot be had; SIGTERM/SIGINT drain running jobs and close everything.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(undefined, { envFile: '.env' });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'pharos-worker' });
  if (!config.redis.url)
    logger.warn(
      'REDIS_URL is not set: this worker only sees jobs of its own process (embedded mode runs the worker inside the API)',
    );
  let worker;
  try {
    worker = await startWorker({ config, logger });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, 'worker failed to start');
    process.stderr.write(`Worker failed to start: ${message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, timeoutMs: config.worker.shutdownTimeoutMs },
      'stopping: no new jobs, waiting for running ones',
    );
    const force = setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.worker.shutdownTimeoutMs + 10_000);
    force.unref();
    worker
      .stop()
      .then(({ drained }) => {
        logger.info({ drained }, 'worker stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'worker shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Fatal: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
