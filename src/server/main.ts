import 'reflect-metadata';
import { ConfigError, describeDatabaseUrl, loadConfig } from '../config/index.js';
import { DatabaseUnreachableError } from '../shared/database/index.js';
import { createLogger } from '../shared/logger.js';
import { startApi } from './start-api.js';

// Entry point of `npm start`: configuration errors and an unreachable database end the process
// with code 1 and one clear line; SIGTERM/SIGINT shut down in order.
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
  const logger = createLogger({ level: config.logLevel, name: 'pharos-api' });
  if (config.auth.jwtSecretGenerated)
    logger.warn('JWT_SECRET_KEY is not set: using a random per-process key (tokens die with this process)');
  if (config.testMode.enabled)
    logger.warn({ tier: config.testMode.userTier }, 'TEST_MODE is on: requests without a token act as the test user');
  const db = describeDatabaseUrl(config.database.url.reveal());
  logger.info({ database: db, redis: config.redis.url ? 'configured' : 'embedded' }, 'starting Pharos API');
  let runtime;
  try {
    runtime = await startApi({ config, logger });
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) {
      logger.fatal(err.message);
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  logger.info({ url: `http://localhost:${runtime.port}/graphql` }, 'Pharos API ready');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    runtime
      .close()
      .then(() => {
        logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
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
