import type { Database } from '../../../shared/database/index.js';
import type { EmbeddingService } from '../../../shared/embeddings/index.js';

/** A category with what classification needs: its description vector and keywords. */
export interface IndexedCategory {
  readonly id: string;
  readonly path: string;
  readonly keywords: readonly string[];
  readonly vector: Float32Array;
}

/** The built-in taxonomy embedded with the current model; loaded once per process and model. */
export interface CategoryIndex {
  get(): Promise<readonly IndexedCategory[]>;
}

/**
 * Reads every category and embeds "name: description. keywords" once (on first use); the result is
 * reused by every job. A failed load is retried by the next call.
 */
export function createCategoryIndex(db: Database, embeddings: EmbeddingService): CategoryIndex {
  let loading: Promise<readonly IndexedCategory[]> | null = null;
  const load = async (): Promise<readonly IndexedCategory[]> => {
    const rows = await db.category.findMany({ orderBy: { path: 'asc' } });
    const vectors = await embeddings.embed(
      rows.map((c) => `${c.name}: ${c.description}. ${c.keywords.split(',').join(', ')}`),
    );
    return rows.map((c, i) => ({
      id: c.id,
      path: c.path,
      keywords: c.keywords
        .split(',')
        .map((k) => k.trim().toLowerCase())
        .filter((k) => k !== ''),
      vector: vectors[i]!,
    }));
  };
  return {
    get() {
      loading ??= load().catch((err: unknown) => {
        loading = null;
        throw err;
      });
      return loading;
    },
  };
}
