import 'reflect-metadata';
import { describeDatabaseUrl } from '../config/index.js';
import { runMain } from '../bootstrap/index.js';
import { startApi } from './start-api.js';

// `npm start`: exits 1 with one line when configuration, the port, the database, Redis or the model
// cannot be had; SIGTERM/SIGINT close HTTP and WebSockets (1001), drain, close the rest, exit 0.
runMain({
  label: 'API',
  loggerName: 'pharos-api',
  shutdownTimeoutMs: () => 15_000,
  async start(config, logger) {
    if (config.auth.jwtSecretGenerated)
      logger.warn('JWT_SECRET_KEY is not set: using a random per-process key (tokens die with this process)');
    if (config.testMode.enabled)
      logger.warn({ tier: config.testMode.userTier }, 'TEST_MODE is on: requests without a token act as the test user');
    const database = describeDatabaseUrl(config.database.url.reveal());
    logger.info({ database, redis: config.redis.url ? 'configured' : 'embedded' }, 'starting Pharos API');
    const runtime = await startApi({ config, logger });
    logger.info({ url: `http://localhost:${runtime.port}/graphql` }, 'Pharos API ready');
    return {
      async stop(signal) {
        logger.info({ signal }, 'shutting down');
        await runtime.close();
        logger.info('shutdown complete');
      },
    };
  },
});
