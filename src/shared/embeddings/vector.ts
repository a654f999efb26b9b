/**
 * Vectors are stored as little-endian Float32 bytes (4 bytes per dimension) beside the id of the
 * model that made them; vectors of different models are never compared.
 */

/** Float32 little-endian bytes of a vector (a copy). */
export function vectorToBytes(vector: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i] ?? 0, true);
  return bytes;
}

/**
 * The vector held by Float32 little-endian bytes.
 * @throws TypeError when the length is not a multiple of 4.
 */
export function bytesToVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new TypeError(`vector bytes must be a multiple of 4, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Cosine similarity in -1..1; 0 when either vector is all zeros or the lengths differ. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** The vector scaled to unit length (all zeros stays all zeros; NaN entries become 0). */
export function normalizeVector(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector, (x) => (Number.isFinite(x) ? x : 0));
  let norm = 0;
  for (const x of out) norm += x * x;
  if (norm === 0) return out;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  return out;
}

/**
 * The unit-length mean of vectors of equal length (optionally weighted), e.g. a document vector
 * from its chunk vectors. Empty input gives an empty vector.
 */
export function meanVector(vectors: readonly ArrayLike<number>[], weights?: readonly number[]): Float32Array {
  const first = vectors[0];
  if (!first) return new Float32Array(0);
  const sum = new Float64Array(first.length);
  vectors.forEach((v, k) => {
    const w = weights?.[k] ?? 1;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + (v[i] ?? 0) * w;
  });
  return normalizeVector(sum);
}
