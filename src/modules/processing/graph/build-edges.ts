import { cosineSimilarity } from '../../../shared/embeddings/index.js';

/** What the GRAPH stage knows of one resource. */
export interface GraphNode {
  readonly id: string;
  /** urlMatchKey of the resource's URL, if it has one. */
  readonly urlKey: string | null;
  /** urlMatchKeys of the links in its text. */
  readonly linkKeys: ReadonlySet<string>;
  /** Document vector of the current model, or null. */
  readonly vector: Float32Array | null;
  /** Category ids, best first (the first is the primary category). */
  readonly categoryIds: readonly string[];
}

export interface Edge {
  readonly sourceId: string;
  readonly targetId: string;
  readonly kind: 'CITES' | 'SIMILAR';
  readonly weight: number;
}

export interface BuildEdgesOptions {
  /** Least cosine similarity for SIMILAR. */
  readonly similarThreshold: number;
  /** Most SIMILAR edges. */
  readonly maxSimilar: number;
}

/** |A ∩ B| / |A ∪ B| of two category sets (0 when both are empty). */
export function categoryOverlap(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  const union = new Set([...sa, ...sb]).size;
  if (union === 0) return 0;
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / union;
}

/**
 * SIMILAR weight: 0.6 × cosine + 0.3 × category overlap (Jaccard) + 0.1 × [same primary category].
 */
export function similarWeight(cosine: number, a: readonly string[], b: readonly string[]): number {
  const samePrimary = a[0] !== undefined && a[0] === b[0] ? 1 : 0;
  return 0.6 * cosine + 0.3 * categoryOverlap(a, b) + 0.1 * samePrimary;
}

/**
 * The edges of `self` among the owner's `others`:
 * - CITES self → other when self's text links to other's URL; CITES other → self when other's text links to self's URL (weight 1);
 * - SIMILAR self → other for the `maxSimilar` best others whose cosine is ≥ `similarThreshold`, by weight.
 * Weights are rounded to 3 decimals; ties break by id so the result is deterministic.
 */
export function buildEdges(self: GraphNode, others: readonly GraphNode[], options: BuildEdgesOptions): Edge[] {
  const edges: Edge[] = [];
  const similar: Edge[] = [];
  for (const other of others) {
    if (other.id === self.id) continue;
    if (other.urlKey && self.linkKeys.has(other.urlKey))
      edges.push({ sourceId: self.id, targetId: other.id, kind: 'CITES', weight: 1 });
    if (self.urlKey && other.linkKeys.has(self.urlKey))
      edges.push({ sourceId: other.id, targetId: self.id, kind: 'CITES', weight: 1 });
    if (self.vector && other.vector) {
      const cos = cosineSimilarity(self.vector, other.vector);
      if (cos >= options.similarThreshold) {
        const weight = Math.round(similarWeight(cos, self.categoryIds, other.categoryIds) * 1000) / 1000;
        similar.push({ sourceId: self.id, targetId: other.id, kind: 'SIMILAR', weight });
      }
    }
  }
  similar.sort((a, b) => b.weight - a.weight || a.targetId.localeCompare(b.targetId));
  return [...edges, ...similar.slice(0, options.maxSimilar)];
}
