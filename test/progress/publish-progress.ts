// A separate "worker" process for test/progress/resource-progress.test.ts: applies the progress steps given
// in argv through its own Redis connections (and the database, when DATABASE_URL is given), then exits.
//   tsx test/progress/publish-progress.ts <redisUrl> <keyPrefix> <resourceId> <databaseUrl|-> STAGE:STATUS[:error] …
import 'reflect-metadata';
import { createLogger } from '../../src/shared/logger.js';
import { createDatabase } from '../../src/shared/database/index.js';
import { openRedis } from '../../src/shared/redis/index.js';
import {
  createRedisStatusTracking,
  type ProcessingStage,
  type StageStatus,
} from '../../src/shared/status-tracker/index.js';
import { createProgressPersistence } from '../../src/modules/resources/progress/index.js';

const [redisUrl, keyPrefix, resourceId, databaseUrl, ...steps] = process.argv.slice(2);
if (!redisUrl || !keyPrefix || !resourceId || !databaseUrl)
  throw new Error('usage: publish-progress <redisUrl> <keyPrefix> <resourceId> <databaseUrl|-> STAGE:STATUS …');
const logger = createLogger({ level: 'warn', name: 'publish-progress' });
const db = databaseUrl === '-' ? null : createDatabase({ url: databaseUrl, poolMin: 0, poolMax: 2 });
const redis = openRedis({ url: redisUrl, name: 'test:publisher', logger });
const tracking = createRedisStatusTracking({
  url: redisUrl,
  redis: redis.client,
  keyPrefix,
  ttlSeconds: 600,
  persistence: db ? createProgressPersistence(db.prisma) : null,
  logger,
  name: 'test:publisher',
});
try {
  for (const step of steps) {
    const [stage, status, error] = step.split(':');
    const snapshot = await tracking.tracker.setProgress(resourceId, stage as ProcessingStage, status as StageStatus, {
      error,
    });
    process.stdout.write(`${snapshot.version}\n`);
  }
} finally {
  await tracking.close();
  await redis.close();
  await db?.close();
}
