import { beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/shared/context.js';
import { errorCode, openHarness, PROVIDERS, type Harness } from './harness.js';
import { RELEVANCE_DOCS, RELEVANCE_QUERIES } from './relevance-fixture.js';

const SEARCH = `query S($q: String!, $mode: SearchMode, $limit: Int, $filter: ResourceFilter) {
  search(query: $q, mode: $mode, limit: $limit, filter: $filter) {
    resource { id title } score keywordScore semanticScore snippet highlights { start end text }
  }
}`;

interface Hit {
  resource: { id: string; title: string };
  score: number;
  keywordScore: number | null;
  semanticScore: number | null;
  snippet: string;
  highlights: Array<{ start: number; end: number; text: string }>;
}

describe.each(PROVIDERS)('search on %s', (provider) => {
  let h: Harness;
  let owner: Viewer;
  const idOf = new Map<string, string>();
  const keyOf = new Map<string, string>();

  beforeAll(async () => {
    h = await openHarness(provider, { embeddings: true });
    owner = await h.createUser();
    const ids = await h.seed(
      owner,
      RELEVANCE_DOCS.map((d) => ({ title: d.title, content: d.content, quality: d.key.length / 20 })),
    );
    RELEVANCE_DOCS.forEach((d, i) => {
      idOf.set(d.key, ids[i]!);
      keyOf.set(ids[i]!, d.key);
    });
  });

  const search = async (q: string, mode: string, extra: Record<string, unknown> = {}): Promise<Hit[]> => {
    const res = await h.exec<{ search: Hit[] }>(owner, SEARCH, { q, mode, ...extra });
    expect(res.errors).toBeUndefined();
    return res.data!.search;
  };

  it('finds the labelled document in the top 3 for at least 8 of 10 queries with HYBRID, and no worse than either mode', async () => {
    const top3 = { KEYWORD: 0, SEMANTIC: 0, HYBRID: 0 };
    const report: string[] = [];
    for (const { query, expected } of RELEVANCE_QUERIES) {
      const line: string[] = [query];
      for (const mode of ['KEYWORD', 'SEMANTIC', 'HYBRID'] as const) {
        const keys = (await search(query, mode, { limit: 10 })).map((hit) => keyOf.get(hit.resource.id));
        const rank = keys.indexOf(expected);
        if (rank >= 0 && rank < 3) top3[mode]++;
        line.push(`${mode}=${rank + 1}`);
      }
      report.push(line.join(' '));
    }
    const summary = `${JSON.stringify(top3)}\n${report.join('\n')}`;
    expect(top3.HYBRID, summary).toBeGreaterThanOrEqual(8);
    expect(top3.HYBRID, summary).toBeGreaterThanOrEqual(Math.max(top3.KEYWORD, top3.SEMANTIC));
  });

  it('reports the scores of each mode', async () => {
    const [kw] = await search('backpropagation', 'KEYWORD');
    expect(kw!.resource.id).toBe(idOf.get('deep-learning'));
    expect(kw!.score).toBe(kw!.keywordScore);
    expect(kw!.keywordScore).toBeGreaterThan(0);
    expect(kw!.semanticScore).toBeNull();
    const [sem] = await search('gradient descent over training epochs', 'SEMANTIC');
    expect(sem!.score).toBe(sem!.semanticScore);
    expect(sem!.semanticScore).toBeGreaterThan(0);
    expect(sem!.semanticScore).toBeLessThanOrEqual(1);
    expect(sem!.keywordScore).toBeNull();
    const hybrid = await search('backpropagation gradient', 'HYBRID');
    expect(hybrid[0]!.resource.id).toBe(idOf.get('deep-learning'));
    expect(hybrid[0]!.keywordScore).not.toBeNull();
    expect(hybrid[0]!.semanticScore).not.toBeNull();
    // RRF with k = 60 and weight 1 per list: at most 2/61.
    expect(hybrid[0]!.score).toBeLessThanOrEqual(2 / 61 + 1e-9);
    for (let i = 1; i < hybrid.length; i++) expect(hybrid[i - 1]!.score).toBeGreaterThanOrEqual(hybrid[i]!.score);
  });

  it('returns snippets whose highlights point at the matching words', async () => {
    for (const mode of ['KEYWORD', 'HYBRID']) {
      const hits = await search('thylakoid chloroplast', mode);
      expect(hits[0]!.resource.id).toBe(idOf.get('photosynthesis'));
      const { snippet, highlights } = hits[0]!;
      expect(highlights.length).toBeGreaterThanOrEqual(2);
      for (const hl of highlights) {
        expect(snippet.slice(hl.start, hl.end)).toBe(hl.text);
        expect(['thylakoid', 'chloroplast']).toContain(hl.text.toLowerCase());
      }
    }
    // Stemmed matches are highlighted as they appear in the text.
    const [stem] = await search('collapsing stars', 'KEYWORD');
    expect(stem!.highlights.some((hl) => /^collapse/i.test(hl.text))).toBe(true);
    for (const hl of stem!.highlights) expect(stem!.snippet.slice(hl.start, hl.end)).toBe(hl.text);
    // Semantic-only hits get a snippet of the best chunk.
    const [sem] = await search('humpback whales', 'SEMANTIC');
    expect(sem!.resource.id).toBe(idOf.get('whales'));
    expect(sem!.snippet).toContain('Humpback whales');
    for (const hl of sem!.highlights) expect(sem!.snippet.slice(hl.start, hl.end)).toBe(hl.text);
    expect(sem!.highlights.map((hl) => hl.text.toLowerCase())).toEqual(expect.arrayContaining(['humpback', 'whales']));
  });

  it('applies the filter to every mode', async () => {
    for (const mode of ['KEYWORD', 'SEMANTIC', 'HYBRID']) {
      const hits = await search('light', mode, { limit: 50, filter: { minQuality: 0.5 } });
      expect(hits.length, mode).toBeGreaterThan(0);
      for (const hit of hits) expect(keyOf.get(hit.resource.id)!.length / 20, mode).toBeGreaterThanOrEqual(0.5);
      const text = await search('light', mode, { limit: 50, filter: { text: 'chlorophyll' } });
      expect(
        text.map((x) => x.resource.id),
        mode,
      ).toEqual([idOf.get('photosynthesis')]);
    }
  });

  it('honours limit and validates input', async () => {
    expect(await search('the', 'SEMANTIC', { limit: 3 })).toHaveLength(3);
    expect((await search('light water energy', 'HYBRID', { limit: 50 })).length).toBeLessThanOrEqual(50);
    for (const vars of [
      { q: '' },
      { q: '   \n\t' },
      { q: 'x'.repeat(1001) },
      { q: 'ok', limit: 0 },
      { q: 'ok', limit: 51 },
    ]) {
      expect(errorCode(await h.exec(owner, SEARCH, vars)), JSON.stringify(vars).slice(0, 60)).toBe('BAD_USER_INPUT');
    }
    expect((await h.exec(owner, SEARCH, { q: 'x'.repeat(1000) })).errors).toBeUndefined();
    expect(await search('"); DROP TABLE resources; -- OR * NEAR', 'KEYWORD')).toBeInstanceOf(Array);
    expect(await search('qqqzzzxxyy', 'HYBRID')).toEqual([]);
  });

  it('sees new chunk vectors written after the cache was filled', async () => {
    expect((await search('narwhal tusks arctic', 'SEMANTIC', { limit: 1 }))[0]?.resource.title).not.toBe('Narwhals');
    await h.seed(owner, [
      { title: 'Narwhals', content: 'Narwhal tusks are long spiral teeth; narwhals live in arctic waters.' },
    ]);
    expect((await search('narwhal tusks arctic', 'SEMANTIC', { limit: 1 }))[0]?.resource.title).toBe('Narwhals');
  });
});
