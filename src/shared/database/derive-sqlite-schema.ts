/** Default `output` of the SQLite client generator, relative to `prisma/sqlite/schema.prisma`. */
export const SQLITE_CLIENT_OUTPUT = '../../src/shared/database/generated/sqlite';

/** First lines of the derived schema. */
export const SQLITE_SCHEMA_HEADER = [
  '// GENERATED FILE: do not edit. Derived from prisma/schema.prisma by `npm run db:sync-sqlite`',
  '// (scripts/sync-sqlite-schema.ts); `npm run check:prisma` fails when this file is stale.',
].join('\n');

/** The PostgreSQL schema uses something SQLite cannot represent; `problems` name each line. */
export class SqliteSchemaError extends Error {
  readonly problems: readonly { line: number; message: string }[];
  constructor(problems: { line: number; message: string }[]) {
    super(
      `prisma/schema.prisma is not portable to SQLite: ${problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`,
    );
    this.name = 'SqliteSchemaError';
    this.problems = problems;
  }
}

const SCALARS = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);
const DATASOURCE_DROPPED = /^\s*(extensions|schemas|directUrl|shadowDatabaseUrl)\s*=/;
const PG_PREVIEW_FEATURES = ['postgresqlExtensions'];

/**
 * Derives the SQLite Prisma schema from the PostgreSQL one. Pure and deterministic.
 * - datasource: provider becomes "sqlite"; PostgreSQL-only keys (extensions, schemas) are dropped;
 * - generators: `output` becomes `options.output`; PostgreSQL-only preview features are dropped;
 * - native types (`@db.*`), `@@schema`, index `type:` and `ops:` arguments are dropped: they tune
 *   storage and indexing, not what the client reads or writes;
 * - the leading `//` comment block is replaced by a "generated" header; `///` docs are kept.
 * @throws SqliteSchemaError for what would change meaning on SQLite: scalar lists, `Unsupported(…)`,
 * `dbgenerated(…)` defaults.
 */
export function deriveSqliteSchema(source: string, options: { output?: string } = {}): string {
  const output = options.output ?? SQLITE_CLIENT_OUTPUT;
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let start = 0;
  while (start < lines.length && /^\/\/(?!\/)/.test(lines[start]!)) start++;
  while (start < lines.length && lines[start]!.trim() === '') start++;

  const enums = new Set([...source.matchAll(/^\s*enum\s+(\w+)\s*\{/gm)].map((m) => m[1]!));
  const problems: { line: number; message: string }[] = [];
  const out: string[] = [];
  let block: string | undefined;
  let skippingArray = false;

  lines.slice(start).forEach((line, i) => {
    const lineNo = start + i + 1;
    const { code, comment, restore } = splitLine(line);
    if (skippingArray) {
      skippingArray = !code.includes(']');
      return;
    }
    const opened = /^\s*(model|enum|view|type|generator|datasource)\s+\w+\s*\{/.exec(code);
    if (opened) block = opened[1];
    else if (/^\s*\}/.test(code)) block = undefined;

    let next = code;
    if (block === 'datasource' && !opened) {
      if (DATASOURCE_DROPPED.test(code)) {
        skippingArray = code.includes('[') && !code.includes(']');
        return;
      }
      next = next.replace(/^(\s*provider\s*=\s*)"[^"]*"/, '$1"sqlite"');
    } else if (block === 'generator' && !opened) {
      next = next.replace(/^(\s*output\s*=\s*)"[^"]*"/, `$1"${output}"`);
      if (/^\s*previewFeatures\s*=/.test(code)) next = dropPreviewFeatures(restore(next));
    } else if (block === 'model' || block === 'view' || block === 'type' || block === 'enum') {
      if (/^\s*@@schema\(/.test(code)) return;
      next = next.replace(/\s*@db\.\w+(\([^)]*\))?/g, '');
      if (/@@?(index|unique|id)\b/.test(code)) {
        next = next
          .replace(/,\s*type:\s*\w+/g, '')
          .replace(/\(\s*ops:\s*(raw\("[^"]*"\)|\w+)\s*\)/g, '')
          .replace(/,\s*ops:\s*(raw\("[^"]*"\)|\w+)/g, '')
          .replace(/ops:\s*(raw\("[^"]*"\)|\w+)\s*,\s*/g, '');
      }
      if (/\bUnsupported\(/.test(code))
        problems.push({ line: lineNo, message: 'Unsupported(…) types exist only on PostgreSQL' });
      if (/\bdbgenerated\(/.test(code))
        problems.push({ line: lineNo, message: 'dbgenerated(…) defaults are PostgreSQL SQL' });
      const list = /^\s*\w+\s+(\w+)\[\]/.exec(code);
      if (list && (SCALARS.has(list[1]!) || enums.has(list[1]!))) {
        problems.push({ line: lineNo, message: `SQLite has no scalar lists (${list[1]}[])` });
      }
    }
    const rebuilt = next === code ? line : (restore(next) + comment).trimEnd();
    out.push(rebuilt);
  });
  if (problems.length > 0) throw new SqliteSchemaError(problems);
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  return `${SQLITE_SCHEMA_HEADER}\n\n${out.join('\n')}\n`;
}

/**
 * Splits a schema line into code and `//` comment, with string literals masked in the code so the
 * rewrites above never touch text inside quotes; `restore` puts the literals back.
 */
function splitLine(line: string): { code: string; comment: string; restore: (masked: string) => string } {
  const literals: string[] = [];
  const masked = line.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => `"\uE000${literals.push(literal) - 1}\uE000"`);
  const at = masked.indexOf('//');
  const restore = (text: string) => text.replace(/"\uE000(\d+)\uE000"/g, (_, n: string) => literals[Number(n)]!);
  return at < 0
    ? { code: masked, comment: '', restore }
    : { code: masked.slice(0, at), comment: restore(masked.slice(at)), restore };
}

function dropPreviewFeatures(line: string): string {
  let next = line;
  for (const feature of PG_PREVIEW_FEATURES) {
    next = next.replace(new RegExp(`"${feature}"\\s*,\\s*|,?\\s*"${feature}"`, 'g'), '');
  }
  return next;
}
