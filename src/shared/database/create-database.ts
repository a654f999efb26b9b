import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { detectProvider, type DatabaseProvider } from '../../config/index.js';
import { PrismaClient as PostgresClient } from './generated/postgres/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';

/**
 * The Prisma client type every module codes against. Both generated clients share this API for
 * the features we use (no provider-specific filters such as `mode: 'insensitive'`).
 */
export type Database = PostgresClient;

export interface DatabaseHandle {
  readonly prisma: Database;
  readonly provider: DatabaseProvider;
  /** Disconnects Prisma and closes the pool or file. Safe to call twice. */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** A normalised URL: `postgresql://…` or `file:path`. */
  readonly url: string;
  readonly poolMin?: number;
  readonly poolMax?: number;
  /** Called when an idle pooled connection fails (PostgreSQL). */
  readonly onPoolError?: (err: Error) => void;
}

/**
 * Creates the Prisma client for a URL: PostgreSQL through `@prisma/adapter-pg` (pool poolMin..poolMax),
 * SQLite through `@prisma/adapter-better-sqlite3` (WAL mode, parent folder created). Does not connect yet.
 */
export function createDatabase(options: CreateDatabaseOptions): DatabaseHandle {
  const provider = detectProvider(options.url);
  let prisma: Database;
  if (provider === 'postgresql') {
    const adapter = new PrismaPg(
      {
        connectionString: options.url,
        min: options.poolMin ?? 5,
        max: options.poolMax ?? 20,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
      },
      { onPoolError: options.onPoolError ?? (() => undefined) },
    );
    prisma = new PostgresClient({ adapter });
  } else {
    const file = sqliteFilePath(options.url);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const adapter = new PrismaBetterSqlite3({ url: file === ':memory:' ? ':memory:' : file, timeout: 10_000 });
    prisma = new SqliteClient({ adapter }) as unknown as Database;
  }
  let closed = false;
  return {
    prisma,
    provider,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
    },
  };
}

/** The filesystem path of a `file:` URL (query string dropped). */
export function sqliteFilePath(url: string): string {
  const p = url.replace(/^file:/i, '').split('?')[0] ?? '';
  return p === '' ? ':memory:' : p;
}

/**
 * Connects and runs a trivial query. On SQLite the first successful ping per handle also switches to
 * WAL mode and sets a busy timeout (once: later pings are a bare `SELECT 1`).
 * @throws the driver error when the database cannot be reached.
 */
export async function pingDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.provider === 'sqlite' && !configured.has(handle)) {
    await handle.prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await handle.prisma.$queryRawUnsafe('PRAGMA busy_timeout = 10000');
    configured.add(handle);
  }
  await handle.prisma.$queryRawUnsafe('SELECT 1');
}

const configured = new WeakSet<DatabaseHandle>();
