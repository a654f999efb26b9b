import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from './fuse.js';

describe('reciprocalRankFusion', () => {
  it('sums 1/(k + rank) over the lists that contain an item', () => {
    const fused = reciprocalRankFusion([{ ids: ['a', 'b', 'c'] }, { ids: ['c', 'a'] }]);
    expect(RRF_K).toBe(60);
    expect(fused).toEqual([
      { id: 'a', score: 1 / 61 + 1 / 62 },
      { id: 'c', score: 1 / 63 + 1 / 61 },
      { id: 'b', score: 1 / 62 },
    ]);
  });

  it('weights each item by its list weight and breaks ties on id', () => {
    const fused = reciprocalRankFusion([
      { ids: ['x', 'y'], weightOf: (id) => (id === 'x' ? 0.25 : 1) },
      { ids: ['z'] },
    ]);
    expect(fused.map((f) => f.id)).toEqual(['z', 'y', 'x']);
    const tie = reciprocalRankFusion([{ ids: ['b'] }, { ids: ['a'] }]);
    expect(tie.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('gives an item found by both lists at middling ranks more than one found by one list first', () => {
    const fused = reciprocalRankFusion([{ ids: ['solo', 'both'] }, { ids: ['other', 'both'] }]);
    expect(fused[0]!.id).toBe('both');
  });
});
