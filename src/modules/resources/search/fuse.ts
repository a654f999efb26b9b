/** The k of reciprocal rank fusion (Cormack et al., 2009): damps the advantage of the very top ranks. */
export const RRF_K = 60;

export interface RankedList {
  readonly ids: readonly string[];
  /** Multiplier of each item's contribution (default 1). */
  readonly weightOf?: (id: string) => number;
}

/**
 * Weighted reciprocal rank fusion: score(d) = Σ w_l(d) / (k + rank_l(d)), rank 1-based, summed over
 * the lists containing d. Best first; ties break on id.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + (list.weightOf?.(id) ?? 1) / (k + i + 1)));
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
