import { describe, expect, it } from 'vitest';
import { urlMatchKey } from '../stored-links.js';
import { buildEdges, categoryOverlap, similarWeight, type GraphNode } from './build-edges.js';

const v = (...xs: number[]) => Float32Array.from(xs);
const node = (id: string, over: Partial<GraphNode> = {}): GraphNode => ({
  id,
  urlKey: null,
  linkKeys: new Set(),
  vector: null,
  categoryIds: [],
  ...over,
});
const opts = { similarThreshold: 0.5, maxSimilar: 7 };

describe('graph edges', () => {
  it('weights SIMILAR as 0.6·cos + 0.3·overlap + 0.1·same primary', () => {
    expect(categoryOverlap(['a', 'b'], ['b', 'c'])).toBeCloseTo(1 / 3);
    expect(categoryOverlap([], [])).toBe(0);
    expect(similarWeight(0.8, ['a', 'b'], ['a', 'c'])).toBeCloseTo(0.6 * 0.8 + 0.3 / 3 + 0.1);
    expect(similarWeight(0.8, ['b', 'a'], ['a', 'c'])).toBeCloseTo(0.6 * 0.8 + 0.3 / 3);
  });

  it('links CITES in both directions by URL and SIMILAR above the threshold', () => {
    const self = node('s', {
      urlKey: urlMatchKey('https://me.example/a'),
      linkKeys: new Set([urlMatchKey('http://www.other.example/b/')!]),
      vector: v(1, 0),
      categoryIds: ['x'],
    });
    const cited = node('c', { urlKey: urlMatchKey('https://other.example/b#top'), vector: v(0, 1) });
    const citing = node('k', {
      linkKeys: new Set([urlMatchKey('https://me.example/a')!]),
      vector: v(0.9, 0.1),
      categoryIds: ['x'],
    });
    const far = node('f', { vector: v(-1, 0) });
    const edges = buildEdges(self, [cited, citing, far], opts);
    expect(edges).toContainEqual({ sourceId: 's', targetId: 'c', kind: 'CITES', weight: 1 });
    expect(edges).toContainEqual({ sourceId: 'k', targetId: 's', kind: 'CITES', weight: 1 });
    const similar = edges.filter((e) => e.kind === 'SIMILAR');
    expect(similar.map((e) => e.targetId)).toEqual(['k']);
    expect(similar[0]!.weight).toBeGreaterThan(0.9);
  });

  it('keeps at most maxSimilar neighbours, best first, and skips itself', () => {
    const self = node('s', { vector: v(1, 0) });
    const others = Array.from({ length: 12 }, (_, i) =>
      node(`o${String(i).padStart(2, '0')}`, { vector: v(1, i / 20) }),
    );
    const edges = buildEdges(self, [...others, self], opts);
    expect(edges).toHaveLength(7);
    expect(edges.map((e) => e.targetId)).toEqual(['o00', 'o01', 'o02', 'o03', 'o04', 'o05', 'o06']);
  });
});
