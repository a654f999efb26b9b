import { describe, expect, it } from 'vitest';
import { completenessScore, credibilityScore, depthScore, readabilityScore, scoreQuality } from './score-quality.js';
import { countSyllables, fleschReadingEase } from './flesch.js';

const base = { url: null, title: null, description: null, language: null, text: 'x', wordCount: 10, outboundLinks: 0 };
const weights = { completeness: 0.2, readability: 0.2, depth: 0.3, credibility: 0.3 };

describe('quality scores', () => {
  it.each([
    [{}, 0],
    [{ title: 'T' }, 0.3],
    [{ title: 'T', description: 'D' }, 0.55],
    [{ title: 'T', description: 'D', language: 'en', wordCount: 150, url: 'https://a.example' }, 1],
  ])('completeness of %o is %f', (over, expected) => {
    expect(completenessScore({ ...base, ...over })).toBeCloseTo(expected, 5);
  });

  it.each([
    [50, 0.1],
    [100, 0.3],
    [500, 0.5],
    [1500, 0.75],
    [3000, 0.9],
    [9000, 1],
  ])('depth of %i words is %f', (words, expected) => expect(depthScore(words)).toBe(expected));

  it.each([
    [null, 0, 0.5],
    [null, 5, 0.6],
    ['https://blog.example.com/post', 0, 0.6],
    ['http://blog.example.com/post', 0, 0.4],
    ['https://arxiv.org/abs/1234', 0, 0.9],
    ['https://en.wikipedia.org/wiki/Cat', 3, 1],
    ['https://cs.stanford.edu/page', 0, 0.9],
    ['http://203.0.113.9/x', 0, 0.1],
  ])('credibility of %s with %i links is %f', (url, links, expected) =>
    expect(credibilityScore(url, links)).toBeCloseTo(expected, 5),
  );

  it('counts syllables and ranks plain prose as more readable than jargon', () => {
    expect(countSyllables('cat')).toBe(1);
    expect(countSyllables('reading')).toBe(2);
    expect(countSyllables('university')).toBeGreaterThanOrEqual(4);
    const easy = 'The cat sat on the mat. It was a good day. The sun was out.';
    const hard =
      'Institutional heterogeneity necessitates comprehensive methodological reconsideration of epistemological presuppositions underlying contemporary organizational characterization.';
    expect(fleschReadingEase(easy)!).toBeGreaterThan(80);
    expect(readabilityScore(easy)).toBeGreaterThan(readabilityScore(hard));
    expect(readabilityScore(hard)).toBe(0);
    expect(readabilityScore('')).toBe(0);
  });

  it('combines the four scores with normalised weights', () => {
    const s = scoreQuality({ ...base, title: 'T', text: 'The cat sat on the mat.', wordCount: 10 }, weights);
    const expected = (s.completeness * 0.2 + s.readability * 0.2 + s.depth * 0.3 + s.credibility * 0.3) / 1;
    expect(s.overall).toBeCloseTo(expected, 2);
    const doubled = scoreQuality(
      { ...base, title: 'T', text: 'The cat sat on the mat.', wordCount: 10 },
      { completeness: 0.4, readability: 0.4, depth: 0.6, credibility: 0.6 },
    );
    expect(doubled.overall).toBe(s.overall);
    const onlyDepth = scoreQuality(
      { ...base, wordCount: 900 },
      { completeness: 0, readability: 0, depth: 1, credibility: 0 },
    );
    expect(onlyDepth.overall).toBe(0.75);
    expect(() => scoreQuality(base, { completeness: 0, readability: 0, depth: 0, credibility: 0 })).toThrow(TypeError);
  });
});
