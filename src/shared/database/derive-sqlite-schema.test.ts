import { describe, expect, it } from 'vitest';
import {
  deriveSqliteSchema,
  SQLITE_CLIENT_OUTPUT,
  SQLITE_SCHEMA_HEADER,
  SqliteSchemaError,
} from './derive-sqlite-schema.js';
import { openSchemaEngine } from './schema-engine.js';

const POSTGRES_SCHEMA = `// Source of truth (PostgreSQL).
// Another header line.

generator client {
  provider        = "prisma-client"
  output          = "../src/shared/database/generated/postgres"
  previewFeatures = ["postgresqlExtensions", "relationJoins"]
}

datasource db {
  provider   = "postgresql"
  extensions = [
    pg_trgm,
    citext
  ]
}

enum Tier {
  FREE
  PREMIUM
}

/// A documented model.
model Note {
  id        String   @id @default(uuid()) @db.Uuid
  title     String   @db.VarChar(200) // shown in lists
  body      String   @default("@db.Text stays: it is a string") @db.Text
  price     Decimal  @db.Decimal(10, 2)
  tier      Tier     @default(FREE)
  meta      Json     @default("{}") @db.JsonB
  createdAt DateTime @default(now()) @db.Timestamptz(6)

  @@index([meta(ops: JsonbPathOps)], type: Gin)
  @@index([title], type: Hash)
  @@index([createdAt(sort: Desc)])
}
`;

function block(schema: string, header: string): string {
  const start = schema.indexOf(header);
  return schema.slice(start, schema.indexOf('}', start) + 1);
}

describe('deriveSqliteSchema', () => {
  const derived = deriveSqliteSchema(POSTGRES_SCHEMA);

  it('replaces the leading comment block with the generated header and keeps /// docs', () => {
    expect(derived.startsWith(`${SQLITE_SCHEMA_HEADER}\n\ngenerator client {`)).toBe(true);
    expect(derived).not.toContain('Source of truth');
    expect(derived).toContain('/// A documented model.');
    expect(derived).toContain('// shown in lists');
  });

  it('points the datasource at sqlite and drops PostgreSQL-only keys, even multi-line ones', () => {
    expect(block(derived, 'datasource db')).toBe('datasource db {\n  provider   = "sqlite"\n}');
  });

  it('rewrites the generator output and drops PostgreSQL-only preview features', () => {
    const generator = block(derived, 'generator client');
    expect(generator).toContain(`output          = "${SQLITE_CLIENT_OUTPUT}"`);
    expect(generator).toContain('previewFeatures = ["relationJoins"]');
    expect(deriveSqliteSchema(POSTGRES_SCHEMA, { output: '../out' })).toContain('output          = "../out"');
  });

  it.each([
    ['  id        String   @id @default(uuid()) @db.Uuid', '  id        String   @id @default(uuid())'],
    ['  title     String   @db.VarChar(200) // shown in lists', '  title     String // shown in lists'],
    ['  price     Decimal  @db.Decimal(10, 2)', '  price     Decimal'],
    [
      '  body      String   @default("@db.Text stays: it is a string") @db.Text',
      '  body      String   @default("@db.Text stays: it is a string")',
    ],
    ['  @@index([meta(ops: JsonbPathOps)], type: Gin)', '  @@index([meta])'],
    ['  @@index([title], type: Hash)', '  @@index([title])'],
    ['  @@index([createdAt(sort: Desc)])', '  @@index([createdAt(sort: Desc)])'],
  ])('rewrites %j', (input, output) => {
    const lines = derived.split('\n');
    expect(lines).toContain(output);
    if (input !== output) expect(lines).not.toContain(input);
  });

  it('drops @@schema from models and enums', () => {
    const source =
      'datasource db {\n  provider = "postgresql"\n  schemas = ["app"]\n}\n\nenum E {\n  A\n  @@schema("app")\n}\n';
    expect(deriveSqliteSchema(source)).toBe(
      `${SQLITE_SCHEMA_HEADER}\n\ndatasource db {\n  provider = "sqlite"\n}\n\nenum E {\n  A\n}\n`,
    );
  });

  it('is stable: deriving twice gives the same text, and Windows line endings do not matter', () => {
    expect(deriveSqliteSchema(POSTGRES_SCHEMA)).toBe(derived);
    expect(deriveSqliteSchema(POSTGRES_SCHEMA.replace(/\n/g, '\r\n'))).toBe(derived);
  });

  it.each([
    ['  tags String[]', 'SQLite has no scalar lists (String[])'],
    ['  tiers Tier[]', 'SQLite has no scalar lists (Tier[])'],
    ['  embedding Unsupported("vector(384)")?', 'Unsupported(…) types exist only on PostgreSQL'],
    ['  id String @id @default(dbgenerated("gen_random_uuid()"))', 'dbgenerated(…) defaults are PostgreSQL SQL'],
  ])('refuses %j with the line number', (field, message) => {
    const source = POSTGRES_SCHEMA.replace('  createdAt DateTime', `${field}\n  createdAt DateTime`);
    const line = source.split('\n').indexOf(field) + 1;
    let error: unknown;
    try {
      deriveSqliteSchema(source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SqliteSchemaError);
    expect((error as SqliteSchemaError).problems).toEqual([{ line, message }]);
  });

  it('keeps relation lists, which are not scalar lists', () => {
    const source =
      'model A {\n  id String @id\n  bs B[]\n}\n\nmodel B {\n  id String @id\n  aId String\n  a A @relation(fields: [aId], references: [id])\n}\n';
    expect(deriveSqliteSchema(source)).toContain('  bs B[]');
  });

  it('produces a schema the SQLite connector accepts', async () => {
    const engine = await openSchemaEngine({ url: 'file::memory:' });
    try {
      const diff = await engine.diff(
        { tag: 'empty' },
        { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: derived }] },
      );
      expect(diff.changed).toBe(true);
      expect(diff.output).toContain('CREATE TABLE "Note"');
      expect(diff.output).toContain('CREATE INDEX "Note_meta_idx" ON "Note"("meta")');
    } finally {
      await engine.close();
    }
  });
});
