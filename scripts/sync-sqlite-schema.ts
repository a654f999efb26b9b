// Derives prisma/sqlite/schema.prisma from prisma/schema.prisma (see derive-sqlite-schema.ts).
//   npm run db:sync-sqlite            rewrite the SQLite schema when it differs
//   npm run check:prisma  (--check)   exit 1 when the file on disk is stale; write nothing
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deriveSqliteSchema, SqliteSchemaError } from '../src/shared/database/derive-sqlite-schema.js';
import { findProjectRoot } from '../src/shared/database/project-root.js';

const root = findProjectRoot(import.meta.url);
const source = path.join(root, 'prisma', 'schema.prisma');
const target = path.join(root, 'prisma', 'sqlite', 'schema.prisma');
const check = process.argv.includes('--check');

let derived: string;
try {
  derived = deriveSqliteSchema(readFileSync(source, 'utf8'));
} catch (err) {
  console.error(err instanceof SqliteSchemaError ? err.message : err);
  process.exit(1);
}
const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
if (current === derived) {
  console.log('sync-sqlite-schema: prisma/sqlite/schema.prisma is up to date');
} else if (check) {
  console.error(
    'sync-sqlite-schema: prisma/sqlite/schema.prisma is out of date with prisma/schema.prisma.\n' +
      'Run `npm run db:sync-sqlite` (then `npm run generate`) and commit the result.',
  );
  process.exit(1);
} else {
  writeFileSync(target, derived);
  console.log(
    'sync-sqlite-schema: wrote prisma/sqlite/schema.prisma; run `npm run generate` to refresh the SQLite client',
  );
}
