// npm run db:migration:create -- <name>
//
// Creates prisma/migrations/<ts>_<name>/ (PostgreSQL) and prisma/sqlite/migrations/<ts>_<name>/ (SQLite)
// offline, in Prisma's folder format, so `prisma migrate deploy` can apply them too. Run after editing
// prisma/schema.prisma; the SQLite schema is re-derived first.
//
// Offline means no PostgreSQL server for a shadow database, so the starting point of the diff is not
// the migrations replayed but the schema as of the last migration, kept in
// prisma/migrations/.schema-snapshot.prisma (Prisma ignores files there) and rewritten by every run.
// The SQLite side diffs the SQLite schemas derived from that snapshot and from the current schema.
// Diffing schema to schema also means hand-written SQL in a migration (full-text search, triggers,
// generated columns: things Prisma's schema cannot express) is never "undone" by a later migration,
// which replaying the migrations into a database and diffing it would do.
// If a migration's Prisma-expressible part is edited by hand, edit the snapshot too. The drift tests in
// src/shared/database/migrate.test.ts compare snapshot, schema and a migrated database.
// When only one provider changes, the other gets an empty migration so both histories keep one list.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseProvider } from '../src/config/index.js';
import { deriveSqliteSchema } from '../src/shared/database/derive-sqlite-schema.js';
import {
  MIGRATION_LOCK_FILE,
  SCHEMA_SNAPSHOT_FILE,
  lockfileProvider,
  migrationLockContent,
  readMigrationsDirectory,
} from '../src/shared/database/migrations-directory.js';
import { findProjectRoot } from '../src/shared/database/project-root.js';
import { openSchemaEngine, type DiffTarget, type SchemaDiff } from '../src/shared/database/schema-engine.js';

const root = findProjectRoot(import.meta.url);
const pgDir = path.join(root, 'prisma', 'migrations');
const sqliteDir = path.join(root, 'prisma', 'sqlite', 'migrations');

async function main(): Promise<number> {
  const rawName = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  const name = (rawName ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!name) {
    console.error('usage: npm run db:migration:create -- <name>   (e.g. add_resource_tags)');
    return 2;
  }

  const pgSchema = readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  const sqliteSchema = deriveSqliteSchema(pgSchema);
  const sqliteSchemaPath = path.join(root, 'prisma', 'sqlite', 'schema.prisma');
  if (!existsSync(sqliteSchemaPath) || readFileSync(sqliteSchemaPath, 'utf8') !== sqliteSchema) {
    writeFileSync(sqliteSchemaPath, sqliteSchema);
    console.log('updated prisma/sqlite/schema.prisma (run `npm run generate` to refresh the SQLite client)');
  }

  const { pg, sqlite } = await diffFromSnapshot(pgSchema, sqliteSchema);
  if (!pg.script.changed && !sqlite.script.changed) {
    console.log('No schema changes');
    return 0;
  }

  const folder = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`;
  const sides = [
    [pgDir, 'postgresql', pg],
    [sqliteDir, 'sqlite', sqlite],
  ] as const;
  for (const [dir] of sides) {
    if (existsSync(path.join(dir, folder)))
      throw new Error(`${path.relative(root, path.join(dir, folder))} already exists`);
  }
  for (const [dir, provider, diff] of sides) {
    const target = path.join(dir, folder);
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, 'migration.sql'), diff.script.output);
    writeFileSync(path.join(dir, MIGRATION_LOCK_FILE), migrationLockContent(provider));
    console.log(`created ${path.relative(root, target)}/migration.sql`);
    console.log(indent(diff.script.changed ? diff.summary.output : 'no changes for this provider (empty migration)'));
  }
  writeFileSync(path.join(pgDir, SCHEMA_SNAPSHOT_FILE), pgSchema);
  if (sqlite.script.output.includes('-- RedefineTables')) {
    console.warn(
      'warning: the SQLite script rebuilds tables (copy, DROP TABLE, rename): triggers and other hand-written\n' +
        'objects on those tables are dropped with them. Re-create them at the end of the SQLite migration.',
    );
  }
  console.log('Review both scripts, then apply them with `npm run db:migrate`.');
  return 0;
}

interface SideDiff {
  readonly script: SchemaDiff;
  readonly summary: SchemaDiff;
}

async function diffFromSnapshot(pgSchema: string, sqliteSchema: string): Promise<{ pg: SideDiff; sqlite: SideDiff }> {
  const pgList = await readMigrationsDirectory(pgDir);
  const sqliteList = await readMigrationsDirectory(sqliteDir);
  assertProvider(pgList.lockfile.content, pgList.migrationDirectories.length, 'postgresql', pgDir);
  assertProvider(sqliteList.lockfile.content, sqliteList.migrationDirectories.length, 'sqlite', sqliteDir);
  const names = (list: typeof pgList) => list.migrationDirectories.map((m) => m.path).join('\n');
  if (names(pgList) !== names(sqliteList)) {
    console.warn('warning: prisma/migrations and prisma/sqlite/migrations hold different migration folders');
  }
  const snapshotPath = path.join(pgDir, SCHEMA_SNAPSHOT_FILE);
  let snapshot: string | undefined;
  if (existsSync(snapshotPath)) snapshot = readFileSync(snapshotPath, 'utf8');
  else if (pgList.migrationDirectories.length > 0 || sqliteList.migrationDirectories.length > 0) {
    throw new Error(
      `${path.relative(root, snapshotPath)} is missing: restore it from git (the schema as of the last migration)`,
    );
  }
  // Schema-to-schema diffs never touch a database, so any engine computes them, whatever its
  // provider: a scratch in-memory SQLite one serves both (a PostgreSQL one would need a server).
  const engine = await openSchemaEngine({ url: 'file::memory:' });
  try {
    const side = async (from: string | undefined, to: string): Promise<SideDiff> => {
      const source: DiffTarget = from === undefined ? { tag: 'empty' } : datamodel(from);
      return {
        script: await engine.diff(source, datamodel(to), { script: true }),
        summary: await engine.diff(source, datamodel(to), { script: false }),
      };
    };
    return {
      pg: await side(snapshot, pgSchema),
      sqlite: await side(snapshot === undefined ? undefined : deriveSqliteSchema(snapshot), sqliteSchema),
    };
  } finally {
    await engine.close();
  }
}

function datamodel(content: string): DiffTarget {
  return { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] };
}

function assertProvider(lock: string | null, count: number, provider: DatabaseProvider, dir: string): void {
  const locked = lockfileProvider(lock);
  if (count > 0 && locked !== provider) {
    throw new Error(
      `${path.relative(root, dir)}/${MIGRATION_LOCK_FILE} names ${locked ?? 'no provider'}, expected ${provider}`,
    );
  }
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(
      `db:migration:create failed: ${err instanceof Error ? err.message.split(/\n\s+0: /)[0] : String(err)}`,
    );
    process.exit(1);
  },
);
