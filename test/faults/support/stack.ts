/**
 * The environment of one Pharos deployment under test: database, optional Redis, one JWT secret and
 * key prefix shared by all its API instances and workers, the 5k-word test model.
 *
 *   const env = await deploymentEnv({ redisUrl: redis.url });   // fresh database on the shared PostgreSQL
 *   const api = await spawnApi(env); const worker = await spawnWorker(env);
 */
import { randomBytes } from 'node:crypto';
import { createTestPostgresDatabase, createTestSqliteUrl, testRedisUrl, uniqueId } from '../../support/services.js';
import { testEmbeddingEnv } from '../../support/test-model.js';

export interface DeploymentOptions {
  /** A database URL; default: a fresh database on the shared PostgreSQL (TEST_DATABASE_URL). */
  readonly databaseUrl?: string;
  /** 'sqlite' for a fresh SQLite file instead. */
  readonly database?: 'postgresql' | 'sqlite';
  /** A Redis URL, 'shared' for TEST_REDIS_URL, or undefined for embedded mode. */
  readonly redisUrl?: string | 'shared';
  readonly env?: Record<string, string>;
}

/** Builds the environment of a deployment (creating its database when none is given). */
export async function deploymentEnv(options: DeploymentOptions = {}): Promise<Record<string, string>> {
  const databaseUrl =
    options.databaseUrl ??
    (options.database === 'sqlite' ? createTestSqliteUrl().url : (await createTestPostgresDatabase()).url);
  const redisUrl = options.redisUrl === 'shared' ? testRedisUrl() : options.redisUrl;
  return {
    DATABASE_URL: databaseUrl,
    JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
    REDIS_KEY_PREFIX: `${uniqueId('fault')}:`,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...testEmbeddingEnv(),
    ...options.env,
  };
}
