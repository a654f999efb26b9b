import { describe, expect, it } from 'vitest';
import { vectorToBytes } from '../../../shared/embeddings/index.js';
import { buildVectorIndex, scanVectorIndex } from './vector-index.js';

const row = (resourceId: string, index: number, v: number[]) => ({ resourceId, index, vector: vectorToBytes(v) });

describe('vector index', () => {
  const index = buildVectorIndex('m', 2, [
    row('a', 0, [1, 0]),
    row('a', 1, [0, 3]),
    row('b', 0, [1, 1]),
    row('c', 0, [1, 0, 0]),
  ]);

  it('keeps the best chunk per resource and ranks by cosine similarity', () => {
    const scan = scanVectorIndex(index, new Float32Array([0, 1]), null, 10);
    const hits = scan.top;
    expect(hits.map((h) => [h.id, h.chunkIndex])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(hits[0]!.score).toBeCloseTo(1);
    expect(hits[1]!.score).toBeCloseTo(Math.SQRT1_2);
    expect(scan.scoreOf('b')).toBeCloseTo(Math.SQRT1_2);
    expect(scan.scoreOf('zzz')).toBeNull();
    expect(scanVectorIndex(index, new Float32Array([0, 1]), null, 1).top.map((h) => h.id)).toEqual(['a']);
  });

  it('keeps exactly the best `limit` of many resources, in order', () => {
    // Angles i/100 against a query at -0.5 rad: similarity falls strictly with i.
    const rows = Array.from({ length: 250 }, (_, i) =>
      row(`r${String(i).padStart(3, '0')}`, 0, [Math.cos(i / 100), Math.sin(i / 100)]),
    );
    const shuffled = [...rows].sort((a, b) =>
      a.resourceId.split('').reverse().join('') < b.resourceId.split('').reverse().join('') ? -1 : 1,
    );
    const big = buildVectorIndex('m', 2, shuffled);
    const q = new Float32Array([Math.cos(-0.5), Math.sin(-0.5)]);
    expect(scanVectorIndex(big, q, null, 25).top.map((h) => h.id)).toEqual(rows.slice(0, 25).map((r) => r.resourceId));
  });

  it('skips vectors of another length and resources outside the allowed set', () => {
    expect(index.resourceIds).toEqual(['a', 'b']);
    expect(scanVectorIndex(index, new Float32Array([0, 1]), new Set(['b']), 10).top.map((h) => h.id)).toEqual(['b']);
    expect(scanVectorIndex(index, new Float32Array([0, 1]), new Set(['b']), 10).scoreOf('a')).toBeNull();
    expect(scanVectorIndex(index, new Float32Array([1, 0, 0]), null, 10).top).toEqual([]);
  });
});
