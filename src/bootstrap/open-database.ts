import type { Config } from '../config/index.js';
import {
  applyMigrations,
  connectWithRetry,
  createDatabase,
  pingDatabase,
  type DatabaseHandle,
} from '../shared/database/index.js';
import type { Logger } from '../shared/logger.js';

export interface OpenDatabaseOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Pool bounds of the returned handle (PostgreSQL). Default DB_POOL_MIN..DB_POOL_MAX. */
  readonly poolMin?: number;
  readonly poolMax?: number;
}

/**
 * Opens the process's database in the only order that works on every provider: wait until the server
 * answers (a short-lived probe connection, retried with backoff for DB_CONNECT_TIMEOUT_MS), close the
 * probe, apply pending migrations (DB_AUTO_MIGRATE), and only then open the process's own pool.
 * Prisma's SQLite migration engine cannot work beside an open connection of ours (MACHINE.md).
 * @throws DatabaseUnreachableError, DatabaseRefusedError (wrong password, unknown database) or
 * MigrationError ("database file is in use by another process: …" when another process holds the file).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const { config, logger } = options;
  const url = config.database.url.reveal();
  const probe = createDatabase({ url, poolMin: 0, poolMax: 1 });
  try {
    await connectWithRetry(probe, {
      url,
      timeoutMs: config.database.connectTimeoutMs,
      onRetry: ({ attempt, delayMs, cause }) =>
        logger.warn({ attempt, delayMs, cause }, 'database unreachable, retrying'),
    });
  } finally {
    await probe.close();
  }
  if (config.database.autoMigrate) {
    const { applied } = await applyMigrations({ url, log: (msg) => logger.debug(msg) });
    if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
  }
  const db = createDatabase({
    url,
    poolMin: options.poolMin ?? config.database.poolMin,
    poolMax: options.poolMax ?? config.database.poolMax,
    onPoolError: (err) => logger.warn({ code: (err as { code?: string }).code }, 'database pool error'),
  });
  try {
    await pingDatabase(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
