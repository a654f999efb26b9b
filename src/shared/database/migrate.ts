import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectProvider, type DatabaseProvider } from '../../config/index.js';
import { sqliteFilePath } from './create-database.js';
import { DatabaseBusyError } from './database-busy-error.js';
import { lockfileProvider, readMigrationsDirectory } from './migrations-directory.js';
import { findProjectRoot } from './project-root.js';
import { openSchemaEngine, type MigrationList, type SchemaEngineHandle } from './schema-engine.js';
import { acquireSqliteMigrationLock } from './sqlite-migration-lock.js';

/** A migration could not be applied or inspected. `message` is safe to log: no URL, no password. */
export class MigrationError extends Error {
  /** Prisma's error code when the engine gave one (P1001 unreachable, P3009 failed migration, P3019 provider mismatch…). */
  readonly code: string | undefined;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'MigrationError';
    this.code = options?.code;
  }
}

export interface MigrationOptions {
  /** A normalised URL: `postgresql://…` or `file:path`. */
  readonly url: string;
  /** Default: `<root>/prisma/migrations` (PostgreSQL) or `<root>/prisma/sqlite/migrations` (SQLite). */
  readonly migrationsDir?: string;
  /** Default: `<root>/prisma/schema.prisma` or `<root>/prisma/sqlite/schema.prisma`. Optional on disk. */
  readonly schemaPath?: string;
}

export interface ApplyMigrationsOptions extends MigrationOptions {
  /** One line per event (migration applied, nothing to do). Never contains SQL or credentials. */
  readonly log?: (msg: string) => void;
  /** How long to wait for another process migrating the same database, in ms. Default 60 000. */
  readonly lockTimeoutMs?: number;
}

/** Where the migrations and schema of a provider live in the project. */
export function defaultMigrationPaths(
  provider: DatabaseProvider,
  root: string = findProjectRoot(),
): { migrationsDir: string; schemaPath: string } {
  const base = provider === 'postgresql' ? path.join(root, 'prisma') : path.join(root, 'prisma', 'sqlite');
  return { migrationsDir: path.join(base, 'migrations'), schemaPath: path.join(base, 'schema.prisma') };
}

/**
 * Applies the pending migrations of the provider's folder (Prisma's format: `<ts>_<name>/migration.sql`
 * plus `migration_lock.toml`) and records them in `_prisma_migrations` as `prisma migrate deploy` does,
 * so the native CLI and this function can take turns on one database. Idempotent.
 *
 * Concurrency: on PostgreSQL the engine holds `pg_advisory_lock(72707369)` (as native Prisma does) until
 * this call returns; on SQLite a sidecar lock file does the same. Waiters retry for `lockTimeoutMs`.
 * Each PostgreSQL migration runs as one implicit transaction; SQLite scripts are not transactional.
 * @throws MigrationError when the folder is missing or for another provider, a migration fails (the
 * failure is recorded and later calls fail with P3009 until it is resolved), a previously failed
 * migration exists, the database is unreachable, or the lock stays busy.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const { provider, list, datamodel } = await prepare(options);
  if (list.migrationDirectories.length === 0) {
    options.log?.(`no migrations in ${list.baseDir}`);
    return { applied: [] };
  }
  const release = provider === 'sqlite' ? await lockSqlite(options.url, lockTimeoutMs) : () => undefined;
  try {
    return await withEngine(options.url, datamodel, async (engine) => {
      const deadline = Date.now() + lockTimeoutMs;
      for (;;) {
        try {
          const { appliedMigrationNames } = await engine.applyMigrations(list);
          for (const name of appliedMigrationNames) options.log?.(`applied migration ${name}`);
          if (appliedMigrationNames.length === 0) options.log?.('no pending migrations');
          return { applied: appliedMigrationNames };
        } catch (err) {
          // P1002: the engine gave up waiting 10 s for the advisory lock; its lock query stays queued on
          // our single connection, so retrying on the same engine resumes the wait.
          if (engineCode(err) !== 'P1002' || Date.now() >= deadline) throw err;
          options.log?.('another process is migrating this database; waiting');
        }
      }
    });
  } finally {
    release();
  }
}

/** Where a database stands relative to its migrations folder. */
export interface MigrationStatus {
  readonly hasMigrationsTable: boolean;
  /** In the folder, not yet applied. */
  readonly pending: readonly string[];
  /** Recorded as failed: later applies refuse to run until resolved (`prisma migrate resolve`). */
  readonly failed: readonly string[];
  /** Applied, but the script on disk changed since (checksum mismatch). */
  readonly edited: readonly string[];
  /** Applied to the database but missing from the folder (e.g. an older checkout). */
  readonly unknown: readonly string[];
  /** True when nothing is pending, failed, edited or unknown. */
  readonly upToDate: boolean;
}

/**
 * Reads the migration status without changing anything (no lock taken).
 * @throws MigrationError as `applyMigrations` does for folder, provider and connection problems.
 */
export async function getMigrationStatus(options: MigrationOptions): Promise<MigrationStatus> {
  const { list, datamodel } = await prepare(options);
  const out = await withEngine(options.url, datamodel, (engine) => engine.diagnoseMigrationHistory(list));
  const h = out.history;
  const pending = h && h.diagnostic !== 'migrationsDirectoryIsBehind' ? h.unappliedMigrationNames : [];
  const unknown = h && h.diagnostic !== 'databaseIsBehind' ? h.unpersistedMigrationNames : [];
  return {
    hasMigrationsTable: out.hasMigrationsTable,
    pending,
    failed: out.failedMigrationNames,
    edited: out.editedMigrationNames,
    unknown,
    upToDate: !h && out.failedMigrationNames.length === 0 && out.editedMigrationNames.length === 0,
  };
}

async function prepare(options: MigrationOptions) {
  const provider = detectProvider(options.url);
  const migrationsDir = options.migrationsDir ?? defaultMigrationPaths(provider).migrationsDir;
  const schemaPath = options.schemaPath ?? defaultMigrationPaths(provider).schemaPath;
  if (!existsSync(migrationsDir)) throw new MigrationError(`migrations folder not found: ${migrationsDir}`);
  const list: MigrationList = await readMigrationsDirectory(migrationsDir);
  const locked = lockfileProvider(list.lockfile.content);
  if (list.migrationDirectories.length > 0 && locked !== provider) {
    throw new MigrationError(
      `${migrationsDir} holds ${locked ?? 'unknown-provider'} migrations (migration_lock.toml) but the database is ${provider}`,
      { code: 'P3019' },
    );
  }
  const datamodel = existsSync(schemaPath) ? readFileSync(schemaPath, 'utf8') : undefined;
  return { provider, list, datamodel };
}

async function lockSqlite(url: string, timeoutMs: number): Promise<() => void> {
  const file = sqliteFilePath(url);
  if (file === ':memory:') return () => undefined;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    return await acquireSqliteMigrationLock(file, timeoutMs);
  } catch (err) {
    throw new MigrationError((err as Error).message, { cause: err });
  }
}

async function withEngine<T>(
  url: string,
  datamodel: string | undefined,
  run: (engine: SchemaEngineHandle) => Promise<T>,
): Promise<T> {
  let engine: SchemaEngineHandle | undefined;
  try {
    engine = await openSchemaEngine({ url, datamodel });
    return await run(engine);
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    if (err instanceof DatabaseBusyError) throw new MigrationError(err.message, { code: 'SQLITE_BUSY', cause: err });
    throw toMigrationError(err);
  } finally {
    await engine?.close();
  }
}

function engineCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Keeps the engine's explanation, drops its Rust span trace ("   0: schema_engine…") and any URL. */
function toMigrationError(err: unknown): MigrationError {
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw
    .split(/\n\s+0: /)[0]!
    .replace(/[a-z]+:\/\/[^\s]+/gi, '<url>')
    .trim();
  return new MigrationError(message || 'schema engine failed', { code: engineCode(err), cause: err });
}
