/**
 * Issue 10 item 5: the errors a real PostgreSQL outage produces (through Prisma + @prisma/adapter-pg and from
 * raw `pg`) count as transient, and a stage retries in place across a restart instead of failing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/shared/database/index.js';
import { isOutageError, isTransientError } from '../../src/modules/processing/index.js';
import { retryOutage } from '../../src/modules/processing/retry-outage.js';
import { registerCleanup, startExtraPostgres, type ExtraServer } from '../support/services.js';

let server: ExtraServer;
let db: DatabaseHandle;

beforeAll(async () => {
  server = await startExtraPostgres();
  db = createDatabase({ url: server.url, poolMin: 0, poolMax: 2 });
  registerCleanup(() => db.close());
}, 60_000);

async function terminateOthers(): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'",
    );
  } finally {
    await admin.end();
  }
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

const never = new AbortController().signal;

describe('PostgreSQL outage errors', () => {
  it('a query through Prisma whose connection is terminated is transient', async () => {
    await server.start();
    const query = failureOf(db.prisma.$queryRawUnsafe('SELECT pg_sleep(10)'));
    await sleep(300);
    await terminateOthers();
    const err = await query;
    expect(isTransientError(err)).toBe(true);
    expect(isOutageError(err)).toBe(true);
  });

  it('raw pg: "Connection terminated unexpectedly" / "Client has encountered a connection error" are transient', async () => {
    await server.start();
    const client = new pg.Client({ connectionString: server.url });
    const clientErrors: unknown[] = [];
    client.on('error', (err) => clientErrors.push(err));
    await client.connect();
    registerCleanup(() => client.end().catch(() => undefined));
    const query = failureOf(client.query('SELECT pg_sleep(10)'));
    await sleep(300);
    await terminateOthers();
    const first = await query;
    const second = await failureOf(client.query('SELECT 1'));
    for (const err of [first, second, ...clientErrors]) expect(isTransientError(err), String(err)).toBe(true);
    expect([first, second, ...clientErrors].map((e) => (e as Error).message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Connection terminated|connection error/)]),
    );
  });

  it('a stopped server (ECONNREFUSED, P1001 / DatabaseNotReachable) is transient', async () => {
    await server.stop();
    try {
      const viaPrisma = await failureOf(db.prisma.$queryRawUnsafe('SELECT 1'));
      expect(isTransientError(viaPrisma)).toBe(true);
      expect(isOutageError(viaPrisma)).toBe(true);
      const raw = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
      const refused = await failureOf(raw.connect());
      expect(isTransientError(refused)).toBe(true);
    } finally {
      await server.start();
    }
  });

  it('retryOutage carries a query across a restart, and gives up once the window has passed', async () => {
    await server.stop();
    let restarted = false;
    const restart = sleep(1_500).then(async () => {
      await server.start();
      restarted = true;
    });
    const started = Date.now();
    const rows = await retryOutage(() => db.prisma.$queryRawUnsafe<Array<{ one: number }>>('SELECT 1 AS one'), {
      windowMs: 30_000,
      signal: never,
    });
    await restart;
    expect(restarted).toBe(true);
    expect(rows).toEqual([{ one: 1 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);

    await server.stop();
    try {
      const t = Date.now();
      const err = await failureOf(
        retryOutage(() => db.prisma.$queryRawUnsafe('SELECT 1'), { windowMs: 400, signal: never }),
      );
      expect(isOutageError(err)).toBe(true);
      expect(Date.now() - t).toBeLessThan(5_000);
    } finally {
      await server.start();
    }
  }, 30_000);

  it('retryOutage does not retry other errors', async () => {
    let calls = 0;
    const err = await failureOf(
      retryOutage(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        { windowMs: 10_000, signal: never },
      ),
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });
});
