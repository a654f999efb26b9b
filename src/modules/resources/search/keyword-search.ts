import { param, placeholders } from '../access/sql.js';
import type { ResourcesDatabase } from '../resources.deps.js';

export interface KeywordHit {
  readonly id: string;
  /** Engine relevance mapped monotonically into 0..1 (higher is better); comparable within one query only. */
  readonly score: number;
}

export interface KeywordSearchOptions {
  /** Restrict to one owner; null searches every owner (ADMIN). */
  readonly ownerId: string | null;
  /** From searchTerms(): letters and digits only. */
  readonly terms: readonly string[];
  /** 'any' ranks documents matching at least one term; 'all' requires every term. */
  readonly match: 'any' | 'all';
  /** Most hits to return, best first; null for every match. */
  readonly limit: number | null;
}

/**
 * Full-text search through the database's own index: FTS5 with bm25 (title ×10, description ×4,
 * content ×1) on SQLite; the weighted `search_vector` tsvector with its GIN index and `ts_rank_cd`
 * on PostgreSQL. Both stem English words (porter / english dictionary). Ties break on id.
 */
export async function keywordSearch(db: ResourcesDatabase, options: KeywordSearchOptions): Promise<KeywordHit[]> {
  if (options.terms.length === 0) return [];
  const { sql, args } = keywordSql(db, options);
  const rows = await db.prisma.$queryRawUnsafe<Array<{ id: string; rank: number }>>(sql, ...args);
  return rows.map((r) => {
    const raw = Math.abs(Number(r.rank));
    return { id: r.id, score: raw / (1 + raw) };
  });
}

/** The SQL and arguments of keywordSearch (exported for the benchmark's bare-SQL baseline). */
export function keywordSql(db: ResourcesDatabase, options: KeywordSearchOptions): { sql: string; args: unknown[] } {
  const args: unknown[] = [];
  const next = (value: unknown): string => {
    args.push(value);
    return param(db, args.length);
  };
  if (db.provider === 'postgresql') {
    const tsquery = options.terms.join(options.match === 'all' ? ' & ' : ' | ');
    const query = next(tsquery);
    const owner = options.ownerId === null ? '' : `AND r.owner_id = ${next(options.ownerId)}`;
    const limit = options.limit === null ? '' : `LIMIT ${next(options.limit)}`;
    // Normalization 1: divide by 1 + log(document length), so long documents do not win by size alone.
    return {
      sql: `SELECT r.id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', r.search_vector, q, 1) AS rank
            FROM resources r, to_tsquery('english', ${query}) q
            WHERE r.search_vector @@ q ${owner}
            ORDER BY rank DESC, r.id ${limit}`,
      args,
    };
  }
  const match = options.terms.map((t) => `"${t}"`).join(options.match === 'all' ? ' AND ' : ' OR ');
  const query = next(match);
  const owner = options.ownerId === null ? '' : `AND r.owner_id = ${next(options.ownerId)}`;
  const limit = options.limit === null ? '' : `LIMIT ${next(options.limit)}`;
  return {
    sql: `SELECT m.resource_id AS id, bm25(resources_fts, 10.0, 4.0, 1.0) AS rank
          FROM resources_fts
          JOIN resource_search_rowids m ON m.rowid = resources_fts.rowid
          JOIN resources r ON r.id = m.resource_id
          WHERE resources_fts MATCH ${query} ${owner}
          ORDER BY rank, m.resource_id ${limit}`,
    args,
  };
}

/**
 * For each of `ids`: the share (0..1) of `terms` it matches in the full-text index. One query:
 * one `@@` test per term on PostgreSQL, one FTS5 MATCH per term (UNION ALL) on SQLite.
 */
export async function keywordCoverage(
  db: ResourcesDatabase,
  ids: readonly string[],
  terms: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0 || terms.length === 0) return out;
  if (terms.length === 1) {
    for (const id of ids) out.set(id, 1);
    return out;
  }
  let rows: Array<{ id: string; matched: number | bigint }>;
  if (db.provider === 'postgresql') {
    const tests = terms.map((_, i) => `(search_vector @@ to_tsquery('english', $${i + 1}))::int`).join(' + ');
    rows = await db.prisma.$queryRawUnsafe(
      `SELECT id, ${tests} AS matched FROM resources WHERE id IN (${placeholders(db, ids.length, terms.length + 1)})`,
      ...terms,
      ...ids,
    );
  } else {
    const perTerm = terms
      .map(
        () =>
          `SELECT m.resource_id AS id FROM resources_fts JOIN resource_search_rowids m ON m.rowid = resources_fts.rowid WHERE resources_fts MATCH ? AND m.resource_id IN (SELECT id FROM candidates)`,
      )
      .join(' UNION ALL ');
    rows = await db.prisma.$queryRawUnsafe(
      `WITH candidates(id) AS (VALUES ${ids.map(() => '(?)').join(', ')})
       SELECT id, count(*) AS matched FROM (${perTerm}) GROUP BY id`,
      ...ids,
      ...terms.map((t) => `"${t}"`),
    );
  }
  for (const row of rows) out.set(row.id, Number(row.matched) / terms.length);
  return out;
}
