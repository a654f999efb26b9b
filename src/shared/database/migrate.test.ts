import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from './create-database.js';
import { applyMigrations, defaultMigrationPaths, getMigrationStatus, MigrationError } from './migrate.js';
import { migrationLockContent, SCHEMA_SNAPSHOT_FILE } from './migrations-directory.js';
import { openSchemaEngine } from './schema-engine.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'pharos-migrate-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A migrations folder of our own, for failure cases the real folder must never contain. */
function migrationsFolder(provider: 'postgresql' | 'sqlite', scripts: Record<string, string>): string {
  const dir = mkdtempSync(path.join(scratch, 'migrations-'));
  writeFileSync(path.join(dir, 'migration_lock.toml'), migrationLockContent(provider));
  for (const [name, sql] of Object.entries(scripts)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

/** A copy of `base` plus extra migrations (pending ones for a database migrated from `base`). */
function migrationsFolderWith(
  provider: 'postgresql' | 'sqlite',
  base: string,
  scripts: Record<string, string>,
): string {
  const dir = migrationsFolder(provider, scripts);
  for (const e of readdirSync(base, { withFileTypes: true }).filter((x) => x.isDirectory())) {
    mkdirSync(path.join(dir, e.name));
    writeFileSync(path.join(dir, e.name, 'migration.sql'), readFileSync(path.join(base, e.name, 'migration.sql')));
  }
  return dir;
}

async function expectMigrationError(promise: Promise<unknown>): Promise<MigrationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigrationError);
  return err as MigrationError;
}

/** The same behaviour on both providers: `newDatabase` hands out an empty database URL. */
function migrationSuite(provider: 'postgresql' | 'sqlite', newDatabase: () => Promise<string>) {
  const { migrationsDir, schemaPath } = defaultMigrationPaths(provider);
  const expected = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  let url: string;
  let db: DatabaseHandle;

  beforeAll(async () => {
    url = await newDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('applies every migration of the project folder, then nothing on the second call', async () => {
    const logs: string[] = [];
    expect(await applyMigrations({ url, log: (m) => logs.push(m) })).toEqual({ applied: expected });
    expect(logs).toEqual(expected.map((name) => `applied migration ${name}`));
    expect(await applyMigrations({ url })).toEqual({ applied: [] });
    expect(await getMigrationStatus({ url })).toMatchObject({
      upToDate: true,
      pending: [],
      failed: [],
      hasMigrationsTable: true,
    });
  });

  it('creates the tables the Prisma client uses: a User round-trips', async () => {
    db = createDatabase({ url, poolMin: 1, poolMax: 2 });
    const email = `m-${randomUUID()}@example.test`;
    const created = await db.prisma.user.create({ data: { email, name: 'Migrated' } });
    const read = await db.prisma.user.findUnique({ where: { email } });
    expect(read).toMatchObject({ id: created.id, email, name: 'Migrated', tier: 'FREE', active: true });
  });

  it('records migrations in _prisma_migrations exactly like prisma migrate deploy', async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished: number; steps: number }[]>(
      'SELECT migration_name, CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END AS finished, applied_steps_count AS steps FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, Number(r.finished), Number(r.steps)])).toEqual(
      expected.map((n) => [n, 1, 1]),
    );
  });

  it('gives the database everything the schema declares (only hand-written extras differ)', async () => {
    const schema = readFileSync(schemaPath, 'utf8');
    const engine = await openSchemaEngine({ url, datamodel: schema });
    try {
      const diff = await engine.diff(
        { tag: 'schemaDatasource', files: [{ path: 'schema.prisma', content: schema }], configDir: scratch },
        { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      );
      // Objects Prisma's schema cannot express (full-text tables, generated columns) exist only in
      // the database, so turning it into the schema may drop things, but must never add or alter any.
      const statements = diff.output
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .split(';')
        .map((statement) => statement.trim())
        .filter(Boolean);
      const notDrops = statements.filter(
        (st) => !/^(DROP (TABLE|INDEX) |ALTER TABLE "\w+" DROP COLUMN |PRAGMA )/.test(st),
      );
      expect(
        notDrops,
        `the migrations do not produce the schema: run npm run db:migration:create\n${diff.output}`,
      ).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('lets concurrent callers race safely: each migration is applied once', async () => {
    const fresh = await newDatabase();
    const results = await Promise.all([
      applyMigrations({ url: fresh }),
      applyMigrations({ url: fresh }),
      applyMigrations({ url: fresh }),
    ]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(expected);
    expect(await getMigrationStatus({ url: fresh })).toMatchObject({ upToDate: true });
  });

  it('records a failing migration and refuses to continue until it is resolved', async () => {
    const fresh = await newDatabase();
    const dir = migrationsFolder(provider, {
      '20000101000000_ok': 'CREATE TABLE "t_ok" ("x" INTEGER);',
      '20000102000000_broken': 'CREATE TABLE "t_ok" ("x" INTEGER);',
      '20000103000000_later': 'CREATE TABLE "t_later" ("x" INTEGER);',
    });
    const first = await expectMigrationError(
      applyMigrations({ url: fresh, migrationsDir: dir, schemaPath: schemaPath }),
    );
    expect(first.message).toContain('t_ok');
    expect(first.message).not.toMatch(/schema_engine|\s0: /);
    const status = await getMigrationStatus({ url: fresh, migrationsDir: dir, schemaPath });
    expect(status).toMatchObject({ failed: ['20000102000000_broken'], upToDate: false });
    const again = await expectMigrationError(applyMigrations({ url: fresh, migrationsDir: dir, schemaPath }));
    expect(again.code).toBe('P3009');
  });

  it('applies pending migrations beside an open, used connection (a running server: `db:migrate`)', async () => {
    const url = await newDatabase();
    await applyMigrations({ url, migrationsDir, schemaPath });
    const app = createDatabase({ url });
    try {
      await app.prisma.user.count();
      expect(await applyMigrations({ url, migrationsDir, schemaPath })).toEqual({ applied: [] });
      const extra = migrationsFolderWith(provider, migrationsDir, {
        '29990101000000_extra': 'CREATE TABLE "Extra" ("id" TEXT PRIMARY KEY);',
      });
      expect(await applyMigrations({ url, migrationsDir: extra })).toEqual({ applied: ['29990101000000_extra'] });
      expect(await app.prisma.user.count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('refuses a migrations folder made for the other provider', async () => {
    const other = migrationsFolder(provider === 'sqlite' ? 'postgresql' : 'sqlite', {
      '20000101000000_x': 'SELECT 1;',
    });
    const err = await expectMigrationError(applyMigrations({ url, migrationsDir: other }));
    expect(err.code).toBe('P3019');
  });

  it('fails clearly when the migrations folder is missing', async () => {
    const err = await expectMigrationError(applyMigrations({ url, migrationsDir: path.join(scratch, 'nope') }));
    expect(err.message).toContain('migrations folder not found');
  });
}

describe('the migrations folders', () => {
  const pg = defaultMigrationPaths('postgresql');
  const sqlite = defaultMigrationPaths('sqlite');
  const names = (dir: string) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

  it('hold the same migrations for both providers', () => {
    expect(names(sqlite.migrationsDir)).toEqual(names(pg.migrationsDir));
  });

  it('end at the current schema: the snapshot the next migration diffs from equals prisma/schema.prisma', async () => {
    const snapshot = readFileSync(path.join(pg.migrationsDir, SCHEMA_SNAPSHOT_FILE), 'utf8');
    const engine = await openSchemaEngine({ url: 'file::memory:' });
    try {
      const diff = await engine.diff(
        { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: snapshot }] },
        { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: readFileSync(pg.schemaPath, 'utf8') }] },
        { script: false },
      );
      expect(
        diff.changed,
        `prisma/schema.prisma changed without a migration: run npm run db:migration:create\n${diff.output}`,
      ).toBe(false);
    } finally {
      await engine.close();
    }
  });
});

describe('applyMigrations on SQLite', () => {
  const newSqlite = async () => `file:${path.join(scratch, `sqlite-${randomBytes(4).toString('hex')}`, 'pharos.db')}`;
  migrationSuite('sqlite', newSqlite);

  it('says "database file is in use by another process" in one line when a writer holds the file', async () => {
    const { migrationsDir } = defaultMigrationPaths('sqlite');
    const url = await newSqlite();
    await applyMigrations({ url });
    const file = url.slice('file:'.length);
    const writer = new Sqlite(file);
    writer.exec('BEGIN EXCLUSIVE');
    try {
      const extra = migrationsFolderWith('sqlite', migrationsDir, {
        '29990101000000_extra': 'CREATE TABLE "Extra" ("id" TEXT PRIMARY KEY);',
      });
      const err = await expectMigrationError(applyMigrations({ url, migrationsDir: extra }));
      expect(err.message).toBe(`database file is in use by another process: ${file}`);
      expect(err.code).toBe('SQLITE_BUSY');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  }, 30_000);
});

const baseUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!baseUrl)('applyMigrations on PostgreSQL', () => {
  const created: string[] = [];
  const admin = () => new pg.Client({ connectionString: baseUrl });
  const newDatabase = async () => {
    const name = `pharos_test_${randomBytes(6).toString('hex')}`;
    const client = admin();
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    created.push(name);
    const url = new URL(baseUrl!);
    url.pathname = `/${name}`;
    return url.toString();
  };
  afterAll(async () => {
    const client = admin();
    await client.connect();
    try {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });

  migrationSuite('postgresql', newDatabase);

  it('runs each migration script as one transaction, with $$ bodies and semicolons in strings intact', async () => {
    const url = await newDatabase();
    const dir = migrationsFolder('postgresql', {
      '20000101000000_function': [
        `CREATE TABLE "notes" ("body" TEXT NOT NULL DEFAULT 'a;b');`,
        `CREATE FUNCTION one() RETURNS integer AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;`,
      ].join('\n'),
      '20000102000000_half': `CREATE TABLE "half" ("x" INTEGER);\nSELECT 1 / 0;`,
    });
    await expectMigrationError(applyMigrations({ url, migrationsDir: dir }));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT one() AS v')).rows).toEqual([{ v: 1 }]);
      await client.query('INSERT INTO notes DEFAULT VALUES');
      expect((await client.query('SELECT body FROM notes')).rows).toEqual([{ body: 'a;b' }]);
      expect((await client.query(`SELECT to_regclass('public.half') AS t`)).rows).toEqual([{ t: null }]);
    } finally {
      await client.end();
    }
  });
});
