/**
 * The chunk vectors of one owner (or of everyone, for ADMIN) for one model, packed for a fast scan:
 * unit-length rows of a single Float32Array, so cosine similarity is a dot product.
 */
export interface VectorIndex {
  readonly model: string;
  readonly dimensions: number;
  /** Distinct resource ids; chunk rows point into this list. */
  readonly resourceIds: readonly string[];
  /** resource id → its position in resourceIds. */
  readonly position: ReadonlyMap<string, number>;
  /** For each chunk row: index into resourceIds. */
  readonly chunkResource: Int32Array;
  /** For each chunk row: its ResourceChunk.index (to fetch the text of the best chunk). */
  readonly chunkIndex: Int32Array;
  /** chunkCount × dimensions, row-major, each row unit length. */
  readonly matrix: Float32Array;
  readonly bytes: number;
}

export interface ChunkVectorRow {
  readonly resourceId: string;
  readonly index: number;
  readonly vector: Uint8Array;
}

/**
 * Packs chunk rows (Float32 little-endian bytes) into a VectorIndex, normalising every vector.
 * Rows whose length differs from `dimensions` (a damaged or foreign vector) are skipped.
 */
export function buildVectorIndex(model: string, dimensions: number, rows: readonly ChunkVectorRow[]): VectorIndex {
  const resourceIds: string[] = [];
  const position = new Map<string, number>();
  const usable = rows.filter((r) => r.vector.byteLength === dimensions * 4);
  const matrix = new Float32Array(usable.length * dimensions);
  const chunkResource = new Int32Array(usable.length);
  const chunkIndex = new Int32Array(usable.length);
  usable.forEach((row, i) => {
    let at = position.get(row.resourceId);
    if (at === undefined) {
      at = resourceIds.length;
      position.set(row.resourceId, at);
      resourceIds.push(row.resourceId);
    }
    chunkResource[i] = at;
    chunkIndex[i] = row.index;
    const view = new DataView(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength);
    const base = i * dimensions;
    let norm = 0;
    for (let d = 0; d < dimensions; d++) {
      const x = view.getFloat32(d * 4, true);
      const v = Number.isFinite(x) ? x : 0;
      matrix[base + d] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let d = 0; d < dimensions; d++) matrix[base + d] = matrix[base + d]! * inv;
    }
  });
  const bytes = matrix.byteLength + chunkResource.byteLength + chunkIndex.byteLength + resourceIds.length * 160;
  return { model, dimensions, resourceIds, position, chunkResource, chunkIndex, matrix, bytes };
}

export interface SemanticHit {
  readonly id: string;
  /** Cosine similarity of the best chunk, -1..1. */
  readonly score: number;
  /** ResourceChunk.index of that chunk. */
  readonly chunkIndex: number;
}

export interface SemanticScan {
  /** The best `limit` resources, best first; ties break on id. */
  readonly top: SemanticHit[];
  /** The best-chunk similarity of any resource of the index (null when absent or filtered out). */
  scoreOf(id: string): number | null;
}

/**
 * Scores every resource by its best chunk's cosine similarity to `query` (unit length) in one pass over
 * the matrix, skipping resources outside `allowed` (when given), and keeps the best `limit` with a
 * bounded heap instead of sorting every resource.
 */
export function scanVectorIndex(
  index: VectorIndex,
  query: Float32Array,
  allowed: ReadonlySet<string> | null,
  limit: number,
): SemanticScan {
  const dims = index.dimensions;
  const count = index.resourceIds.length;
  const best = new Float32Array(count).fill(-Infinity);
  const bestChunk = new Int32Array(count).fill(-1);
  if (query.length === dims) {
    const skip = allowed ? Uint8Array.from(index.resourceIds, (id) => (allowed.has(id) ? 0 : 1)) : null;
    const { matrix, chunkResource, chunkIndex } = index;
    const rows = chunkResource.length;
    for (let i = 0; i < rows; i++) {
      const r = chunkResource[i]!;
      if (skip !== null && skip[r] === 1) continue;
      const base = i * dims;
      // Four accumulators: independent additions pipeline better than one dependent chain.
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let d = 0;
      for (; d + 3 < dims; d += 4) {
        d0 += query[d]! * matrix[base + d]!;
        d1 += query[d + 1]! * matrix[base + d + 1]!;
        d2 += query[d + 2]! * matrix[base + d + 2]!;
        d3 += query[d + 3]! * matrix[base + d + 3]!;
      }
      for (; d < dims; d++) d0 += query[d]! * matrix[base + d]!;
      const dot = d0 + d1 + d2 + d3;
      if (dot > best[r]!) {
        best[r] = dot;
        bestChunk[r] = chunkIndex[i]!;
      }
    }
  }
  const better = (a: number, b: number): boolean =>
    best[a]! > best[b]! || (best[a] === best[b] && index.resourceIds[a]! < index.resourceIds[b]!);
  // Min-heap (by `better`) of the best `limit` positions seen so far.
  const heap: number[] = [];
  const down = (at: number): void => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let worst = at;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === at) return;
      [heap[at], heap[worst]] = [heap[worst]!, heap[at]!];
      at = worst;
    }
  };
  for (let r = 0; r < count; r++) {
    if (bestChunk[r]! < 0 || limit <= 0) continue;
    if (heap.length < limit) {
      heap.push(r);
      for (let at = heap.length - 1; at > 0;) {
        const parent = (at - 1) >> 1;
        if (!better(heap[parent]!, heap[at]!)) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (better(r, heap[0]!)) {
      heap[0] = r;
      down(0);
    }
  }
  const top = heap
    .sort((a, b) => (better(a, b) ? -1 : 1))
    .map((r) => ({ id: index.resourceIds[r]!, score: best[r]!, chunkIndex: bestChunk[r]! }));
  return {
    top,
    scoreOf(id) {
      const r = index.position.get(id);
      return r === undefined || bestChunk[r]! < 0 ? null : best[r]!;
    },
  };
}
