import { cosineSimilarity } from '../../../shared/embeddings/index.js';
import type { IndexedCategory } from './category-index.js';

export interface CategoryScore {
  readonly categoryId: string;
  /** 0..1: 0.7 × max(0, cosine(document, category)) + 0.3 × keyword score. */
  readonly confidence: number;
}

export interface Classification {
  /** Up to 3 categories, best first. */
  readonly categories: readonly CategoryScore[];
  /** True when the best confidence is below the threshold (or nothing matched). */
  readonly uncertain: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Keyword score of a category for a text: 1 − e^(−hits / 2), where hits counts the category's distinct
 * keywords found as whole words (case-insensitive). 0 keywords found → 0; 2 → 0.63; 4 → 0.86.
 */
export function keywordScore(lowerText: string, keywords: readonly string[]): number {
  let hits = 0;
  for (const k of keywords)
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escape(k)}(?![\\p{L}\\p{N}])`, 'u').test(lowerText)) hits++;
  return 1 - Math.exp(-hits / 2);
}

/**
 * The top 3 categories for a document: similarity between the document vector and each category's
 * description vector combined with keyword rules, rounded to 3 decimals. Categories scoring 0 are dropped.
 */
export function classify(
  documentVector: Float32Array,
  text: string,
  categories: readonly IndexedCategory[],
  uncertainBelow: number,
): Classification {
  const lower = text.toLowerCase();
  const scored = categories
    .map((c) => {
      const sim = Math.max(0, cosineSimilarity(documentVector, c.vector));
      const confidence = 0.7 * sim + 0.3 * keywordScore(lower, c.keywords);
      return { categoryId: c.id, confidence: Math.round(Math.min(1, confidence) * 1000) / 1000 };
    })
    .filter((s) => s.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence || a.categoryId.localeCompare(b.categoryId))
    .slice(0, 3);
  return { categories: scored, uncertain: (scored[0]?.confidence ?? 0) < uncertainBelow };
}
