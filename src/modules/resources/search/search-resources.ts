import { throwIfCancelled, type Viewer } from '../../../shared/context.js';
import type { EmbeddingService } from '../../../shared/embeddings/index.js';
import { badInput } from '../../../shared/errors.js';
import { loadResourceRows } from '../access/load-resource-rows.js';
import { scopedOwnerId } from '../access/owner-scope.js';
import type { ResourceRow } from '../access/resource-row.js';
import { buildFilterWhere } from '../list/build-filter-where.js';
import type { ResourceFilter } from '../list/resource-filter.input.js';
import type { ResourcesDatabase } from '../resources.deps.js';
import { reciprocalRankFusion } from './fuse.js';
import { keywordCoverage, keywordSearch, type KeywordHit } from './keyword-search.js';
import { SearchMode } from './search-mode.js';
import { contentTerms, searchTerms, validateQuery } from './search-terms.js';
import { chunkSnippet, keywordSnippets, type Highlight } from './snippets.js';
import type { VectorCache } from './vector-cache.js';
import { scanVectorIndex, type SemanticHit, type SemanticScan } from './vector-index.js';

export const MAX_SEARCH_LIMIT = 50;
/** How deep each ranked list goes into the fusion. */
export const FUSION_DEPTH = 100;
/**
 * HYBRID weighting rule (coverage-weighted RRF): a semantic rank contributes 1 / (k + rank); a keyword
 * rank contributes coverage / (k + rank), where coverage is the share of the query's content words
 * (stopwords removed) the resource matches. A keyword hit on every word weighs as much as a semantic
 * rank; a hit on one word of four weighs a quarter, so incidental matches of a long natural-language
 * query do not push aside what the embedding found. docs/search.md has the measurements behind it.
 */
export function keywordWeight(coverage: number): number {
  return coverage;
}

export interface SearchDeps {
  readonly db: ResourcesDatabase;
  readonly embeddings: Pick<EmbeddingService, 'modelId' | 'dimensions' | 'embed'>;
  readonly vectors: VectorCache;
}

export interface SearchOptions {
  readonly viewer: Viewer;
  readonly query: string;
  readonly mode?: SearchMode;
  readonly limit?: number;
  readonly filter?: ResourceFilter | null;
  /** The operation's signal: checked between steps, so a cancelled search stops at the next one. */
  readonly signal?: AbortSignal;
}

export interface SearchResult {
  readonly resource: ResourceRow;
  readonly score: number;
  readonly keywordScore: number | null;
  readonly semanticScore: number | null;
  readonly snippet: string;
  readonly highlights: Highlight[];
}

/**
 * Searches the viewer's resources (every resource for ADMIN). KEYWORD ranks by the full-text engine,
 * SEMANTIC by the best chunk's cosine similarity (current model's vectors only), HYBRID fuses the two
 * rankings by coverage-weighted reciprocal rank fusion (k = 60, see keywordWeight). A filter restricts both lists.
 * @throws AppError BAD_USER_INPUT for an empty or over-long query, or a limit outside 1..50.
 */
export async function searchResources(deps: SearchDeps, options: SearchOptions): Promise<SearchResult[]> {
  const query = validateQuery(options.query);
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT)
    throw badInput('limit', `limit must be between 1 and ${MAX_SEARCH_LIMIT}`);
  const mode = options.mode ?? SearchMode.HYBRID;
  const { db } = deps;
  const signal = options.signal ?? NEVER;
  throwIfCancelled(signal);
  const terms = contentTerms(searchTerms(query));
  const ownerId = scopedOwnerId(options.viewer);
  const allowed = options.filter ? await allowedIds(deps, options.viewer, options.filter) : null;
  throwIfCancelled(signal);
  // KEYWORD and SEMANTIC need only their top `limit`; HYBRID fuses deeper lists.
  const depth = mode === SearchMode.HYBRID ? Math.max(FUSION_DEPTH, limit) : limit;

  const [keyword, semantic] = await Promise.all([
    mode === SearchMode.SEMANTIC ? [] : keywordRanking(db, ownerId, terms, allowed, depth),
    mode === SearchMode.KEYWORD ? null : semanticRanking(deps, ownerId, query, allowed, depth, signal),
  ]);
  throwIfCancelled(signal);

  const keywordById = new Map(keyword.map((h) => [h.id, h]));
  const semanticTop = semantic?.top.filter((h) => h.score > 0) ?? [];
  const semanticById = new Map(semanticTop.map((h) => [h.id, h]));
  let ranked: Array<{ id: string; score: number }>;
  if (mode === SearchMode.KEYWORD) ranked = keyword;
  else if (mode === SearchMode.SEMANTIC) ranked = semanticTop;
  else {
    const keywordIds = keyword.slice(0, depth).map((h) => h.id);
    const coverage = await keywordCoverage(db, keywordIds, terms);
    throwIfCancelled(signal);
    ranked = reciprocalRankFusion([
      { ids: keywordIds, weightOf: (id) => keywordWeight(coverage.get(id) ?? 0) },
      { ids: semanticTop.map((h) => h.id) },
    ]);
  }
  const top = ranked.slice(0, limit);
  if (top.length === 0) return [];

  const ids = top.map((h) => h.id);
  const [rows, snippets, chunks] = await Promise.all([
    loadResourceRows(db, ids, ownerId),
    keywordSnippets(
      db,
      ids.filter((id) => keywordById.has(id)),
      terms,
    ),
    chunkTexts(
      deps,
      ids
        .filter((id) => !keywordById.has(id))
        .map((id) => semanticById.get(id))
        .filter((h): h is SemanticHit => h !== undefined),
    ),
  ]);
  throwIfCancelled(signal);
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const out: SearchResult[] = [];
  for (const hit of top) {
    const resource = rowById.get(hit.id);
    if (!resource) continue; // deleted since it was ranked
    const snippet =
      snippets.get(hit.id) ?? chunkSnippet(chunks.get(hit.id) ?? resource.description ?? resource.title ?? '', terms);
    out.push({
      resource,
      score: hit.score,
      keywordScore: keywordById.get(hit.id)?.score ?? null,
      semanticScore: semantic?.scoreOf(hit.id) ?? null,
      snippet: snippet.text,
      highlights: snippet.highlights,
    });
  }
  return out;
}

async function allowedIds(deps: SearchDeps, viewer: Viewer, filter: ResourceFilter): Promise<Set<string>> {
  const where = await buildFilterWhere(deps.db, viewer, filter);
  const rows = await deps.db.prisma.resource.findMany({ where, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

async function keywordRanking(
  db: ResourcesDatabase,
  ownerId: string | null,
  terms: string[],
  allowed: Set<string> | null,
  depth: number,
): Promise<KeywordHit[]> {
  // With a filter the engine ranks every match and we keep the allowed ones, so a selective filter
  // still gets its best matches rather than whatever survived a truncated list.
  const hits = await keywordSearch(db, { ownerId, terms, match: 'any', limit: allowed ? null : depth });
  return allowed ? hits.filter((h) => allowed.has(h.id)).slice(0, depth) : hits;
}

const NEVER = new AbortController().signal;
const NO_SCAN: SemanticScan = { top: [], scoreOf: () => null };

async function semanticRanking(
  deps: SearchDeps,
  ownerId: string | null,
  query: string,
  allowed: Set<string> | null,
  depth: number,
  signal: AbortSignal,
): Promise<SemanticScan> {
  const [vector] = await deps.embeddings.embed([query]);
  throwIfCancelled(signal);
  if (!vector || !vector.some((x) => x !== 0)) return NO_SCAN;
  const index = await deps.vectors.get(ownerId, deps.embeddings.modelId, deps.embeddings.dimensions);
  throwIfCancelled(signal);
  return scanVectorIndex(index, vector, allowed, depth);
}

async function chunkTexts(deps: SearchDeps, hits: SemanticHit[]): Promise<Map<string, string>> {
  if (hits.length === 0) return new Map();
  // By resource id (the unique index's prefix), then the best chunk picked here: an OR of (id, index)
  // pairs made SQLite scan the whole chunk table through the `model` index.
  const best = new Map(hits.map((h) => [h.id, h.chunkIndex]));
  const rows = await deps.db.prisma.resourceChunk.findMany({
    where: { resourceId: { in: [...best.keys()] }, model: deps.embeddings.modelId },
    select: { resourceId: true, index: true, text: true },
  });
  return new Map(rows.filter((r) => best.get(r.resourceId) === r.index).map((r) => [r.resourceId, r.text]));
}
