import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { detectProvider, type DatabaseProvider } from '../../config/index.js';
import { sqliteFilePath } from './create-database.js';
import { DatabaseBusyError } from './database-busy-error.js';

/** The adapter side of a schema engine: what to hand `SchemaEngine.new`, and how to clean up after it. */
export interface EngineAdapter {
  readonly factory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory;
  /** Rethrows an engine error with the driver's own message in place of "External error id#N". */
  explain(err: unknown): never;
  /** Closes every connection the engine opened (`engine.free()` does not). Safe to call twice. */
  release(): Promise<void>;
}

/**
 * Builds the driver adapter factory for the schema engine. PostgreSQL gets one dedicated connection
 * that never idles out, so `pg_advisory_lock` and each migration script share one session as with
 * the native engine; SQLite gets better-sqlite3 (shadow databases in memory).
 */
export function createEngineAdapter(url: string): EngineAdapter {
  const provider = detectProvider(url);
  const pool =
    provider === 'postgresql'
      ? new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0, connectionTimeoutMillis: 10_000 })
      : undefined;
  pool?.on('error', () => undefined);
  if (pool) readCharColumnsAsText(pool);
  const busy = { seen: false };
  const tracked = trackAdapters(
    pool ? new PrismaPg(pool) : new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: 10_000 }),
    provider,
    busy,
  );
  const factory = bindMigrationAwareSqlAdapterFactory(tracked);
  let released = false;
  return {
    factory,
    explain: (err) => {
      if (busy.seen) throw new DatabaseBusyError(sqliteFilePath(url), { cause: err });
      return explainAdapterError(err, factory.errorRegistry);
    },
    async release() {
      if (released) return;
      released = true;
      await tracked.disposeAll();
      await pool?.end();
    },
  };
}

/**
 * A JavaScript error thrown by the driver (not a `DriverAdapterError`) reaches the engine only as an id
 * in `bindMigrationAwareSqlAdapterFactory`'s registry, and its message says just "External error id#N".
 * That id is the registry's only handle, so we read it from the message and put the driver's own
 * message (e.g. SQLITE_BUSY: database is locked) in its place.
 */
function explainAdapterError(err: unknown, registry: ErrorRegistry): never {
  if (err instanceof Error) {
    const id = /External error id#(\d+)/.exec(err.message)?.[1];
    const record =
      id === undefined ? undefined : (registry.consumeError(Number(id)) as { error?: unknown } | undefined);
    if (record?.error instanceof Error) {
      const code = (record.error as { code?: unknown }).code;
      const detail = `${typeof code === 'string' ? `${code}: ` : ''}${record.error.message}`;
      err.message = err.message.replace(/External error id#\d+/, detail);
    }
  }
  throw err;
}

/**
 * The engine's PostgreSQL introspection (used by diffs from a live database) reads pg_catalog columns of
 * type "char" (OID 18), which adapter-pg 7.10 rejects as an unsupported column type. Their text form is
 * a one-character string, so we relabel them as `text` (OID 25) before the adapter maps the fields.
 * Only the pool's own `query` is patched: that is the path adapter-pg takes outside transactions.
 */
function readCharColumnsAsText(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (config: unknown) => Promise<pg.QueryResult | pg.QueryResult[]>;
  const relabel = (result: pg.QueryResult) => {
    for (const field of result.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
  };
  (pool as unknown as { query: (config: unknown) => Promise<unknown> }).query = async (config) => {
    const result = await query(config);
    for (const one of Array.isArray(result) ? result : [result]) relabel(one);
    return result;
  };
}

/**
 * Wraps an adapter factory so every adapter it hands the engine can be disposed by us: `engine.free()`
 * does not close them, and an open pg pool would keep the process alive.
 *
 * On PostgreSQL two adapter behaviours are corrected:
 * - `executeScript` in adapter-pg splits the script on every `;` (breaking `$$` function bodies and
 *   string literals) and runs the parts outside any transaction; we send the script as one simple
 *   query instead, which PostgreSQL runs as one implicit transaction, as the native engine does.
 * - `connectToShadowDb` clones the pool config with another `database`, but pg lets the connection
 *   string's database win, so the "shadow" would be the real database. We refuse it.
 */
function trackAdapters(
  base: SqlMigrationAwareDriverAdapterFactory,
  provider: DatabaseProvider,
  busy: { seen: boolean },
): SqlMigrationAwareDriverAdapterFactory & { disposeAll(): Promise<void> } {
  const open = new Set<SqlDriverAdapter>();
  // adapter-better-sqlite3 reports SQLITE_BUSY as kind "SocketTimeout", which the pinned engine cannot
  // deserialise ("unknown variant `SocketTimeout`"); we remember it and `explain` says it plainly.
  const onBusy = (err: unknown): never => {
    if ((err as { cause?: { kind?: unknown } } | null)?.cause?.kind === 'SocketTimeout') busy.seen = true;
    throw err;
  };
  // Prisma's SQLite engine switches its connection to locking_mode=EXCLUSIVE, which waits for every
  // other connection (a running server's) to close: `db:migrate` beside a server could never succeed.
  // Normal locking keeps each statement atomic, and our lock file serialises migrators.
  const sqliteQuery = <Q extends { sql: string }>(query: Q): Q =>
    provider === 'sqlite' && /^\s*PRAGMA\s+(main\.)?locking_mode\s*=\s*EXCLUSIVE\s*;?\s*$/i.test(query.sql)
      ? { ...query, sql: 'PRAGMA main.locking_mode=NORMAL' }
      : query;
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    let disposed = false;
    const dispose = async () => {
      if (disposed) return;
      disposed = true;
      open.delete(wrapped);
      await adapter.dispose();
    };
    const executeScript =
      provider === 'postgresql'
        ? (script: string) => adapter.executeRaw({ sql: script, args: [], argTypes: [] }).then(() => undefined)
        : (script: string) => adapter.executeScript(script).catch(onBusy);
    // Plain delegation, not a prototype trick: the adapters keep state in #private fields.
    const wrapped: SqlDriverAdapter = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => adapter.queryRaw(sqliteQuery(query)).catch(onBusy),
      executeRaw: (query) => adapter.executeRaw(sqliteQuery(query)).catch(onBusy),
      startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel).catch(onBusy),
      ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
      executeScript,
      dispose,
    };
    open.add(wrapped);
    return wrapped;
  };
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    async connectToShadowDb() {
      if (provider === 'postgresql') throw new Error('shadow databases are not supported on PostgreSQL here');
      return track(await base.connectToShadowDb());
    },
    async disposeAll() {
      await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
    },
  };
}
