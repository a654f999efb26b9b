import { describe, expect, it } from 'vitest';
import { contentTerms, MAX_QUERY_TERMS, searchTerms, validateQuery } from './search-terms.js';

describe('search terms', () => {
  it('keeps letters and digits only, lower-cased and deduplicated', () => {
    expect(searchTerms('"Quantum" OR quantum* NEAR(a b) -- DROP; Café 1929')).toEqual([
      'quantum',
      'or',
      'near',
      'a',
      'b',
      'drop',
      'café',
      '1929',
    ]);
    expect(searchTerms(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_QUERY_TERMS);
  });

  it('drops stopwords unless nothing else is left', () => {
    expect(contentTerms(['how', 'do', 'plants', 'grow'])).toEqual(['plants', 'grow']);
    expect(contentTerms(['the', 'who'])).toEqual(['the', 'who']);
  });

  it('refuses empty, blank and over-long queries', () => {
    for (const q of ['', '  \n\t ', 'x'.repeat(1001)])
      expect(() => validateQuery(q)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(validateQuery('  ok  ')).toBe('ok');
  });
});
