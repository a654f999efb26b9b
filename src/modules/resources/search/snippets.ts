import { placeholders } from '../access/sql.js';
import type { ResourcesDatabase } from '../resources.deps.js';

/** A highlighted range of a snippet: `snippet.slice(start, end) === text`. Offsets are UTF-16 code units. */
export interface Highlight {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Snippet {
  readonly text: string;
  readonly highlights: Highlight[];
}

const OPEN = '\u0001';
const CLOSE = '\u0002';
/** Words of context the engines put in a keyword snippet. */
const SNIPPET_WORDS = 30;
/** Characters of a semantic snippet (cut from the best-matching chunk). */
const CHUNK_SNIPPET_CHARS = 240;

/** Turns engine output with OPEN/CLOSE markers into plain text plus highlight ranges. */
export function parseMarkedSnippet(marked: string): Snippet {
  let text = '';
  const highlights: Highlight[] = [];
  let start = -1;
  for (const ch of marked.replace(/\s+/g, ' ').trim()) {
    if (ch === OPEN) start = text.length;
    else if (ch === CLOSE) {
      if (start >= 0 && text.length > start)
        highlights.push({ start, end: text.length, text: text.slice(start, text.length) });
      start = -1;
    } else text += ch;
  }
  return { text, highlights };
}

/**
 * Keyword snippets by the engine that matched them (FTS5 `snippet()` on SQLite: content when it matched, else the best column;
 * `ts_headline` over title, description and the first 50,000 characters of content on PostgreSQL),
 * so highlighted words are exactly the stemmed matches. One query for all `ids`.
 */
export async function keywordSnippets(
  db: ResourcesDatabase,
  ids: readonly string[],
  terms: readonly string[],
): Promise<Map<string, Snippet>> {
  const out = new Map<string, Snippet>();
  if (ids.length === 0 || terms.length === 0) return out;
  let rows: Array<{ id: string; marked: string | null }>;
  if (db.provider === 'postgresql') {
    const options = `StartSel=${OPEN}, StopSel=${CLOSE}, MaxWords=${SNIPPET_WORDS}, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
    rows = await db.prisma.$queryRawUnsafe(
      `SELECT id, ts_headline('english', concat_ws(' · ', title, description, left(content, 50000)), to_tsquery('english', $1), $2) AS marked
       FROM resources WHERE id IN (${placeholders(db, ids.length, 3)})`,
      terms.join(' | '),
      options,
      ...ids,
    );
  } else {
    // The content column first: its snippet has context; the best column (often the title) otherwise.
    const found = await db.prisma.$queryRawUnsafe<Array<{ id: string; body: string | null; best: string | null }>>(
      `SELECT m.resource_id AS id,
              snippet(resources_fts, 2, char(1), char(2), '…', ${SNIPPET_WORDS}) AS body,
              snippet(resources_fts, -1, char(1), char(2), '…', ${SNIPPET_WORDS}) AS best
       FROM resources_fts JOIN resource_search_rowids m ON m.rowid = resources_fts.rowid
       WHERE resources_fts MATCH ? AND m.resource_id IN (${placeholders(db, ids.length)})`,
      terms.map((t) => `"${t}"`).join(' OR '),
      ...ids,
    );
    rows = found.map((r) => ({ id: r.id, marked: r.body?.includes(OPEN) ? r.body : r.best }));
  }
  for (const row of rows) if (row.marked) out.set(row.id, parseMarkedSnippet(row.marked));
  return out;
}

/**
 * A snippet of a chunk's text for a semantic hit: a window around the first query word it contains
 * (or its start), with every query word highlighted (case-insensitive, whole words or words sharing
 * a stem-like prefix: see sameStem).
 */
export function chunkSnippet(chunkText: string, terms: readonly string[]): Snippet {
  const text = chunkText.replace(/\s+/g, ' ').trim();
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const matches = (word: string): boolean => {
    const w = word.toLowerCase();
    return terms.some((t) => w === t || sameStem(w, t));
  };
  const first = words.find((m) => matches(m[0]));
  let from = first ? Math.max(0, (first.index ?? 0) - 60) : 0;
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  let to = Math.min(text.length, from + CHUNK_SNIPPET_CHARS);
  if (to < text.length) to = text.lastIndexOf(' ', to) > from ? text.lastIndexOf(' ', to) : to;
  const prefix = from > 0 ? '…' : '';
  const body = text.slice(from, to);
  const snippet = `${prefix}${body}${to < text.length ? '…' : ''}`;
  const highlights: Highlight[] = [];
  for (const m of words) {
    const at = m.index ?? 0;
    if (at < from || at + m[0].length > to || !matches(m[0])) continue;
    const start = at - from + prefix.length;
    highlights.push({ start, end: start + m[0].length, text: m[0] });
  }
  return { text: snippet, highlights };
}

/**
 * A cheap stand-in for stemming when highlighting: the words share a prefix of at least 4 letters that
 * covers all but at most 2 letters of the shorter one ("migrate"/"migration", "whale"/"whales").
 */
export function sameStem(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i >= 4 && i >= Math.min(a.length, b.length) - 2;
}
