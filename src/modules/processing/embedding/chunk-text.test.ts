import { describe, expect, it } from 'vitest';
import { countWords } from '../ingestion/text-stats.js';
import { chunkText, splitSentences } from './chunk-text.js';

const sentence = (i: number, words = 12) =>
  `Sentence ${i} ${Array.from({ length: words - 3 }, (_, k) => `w${i}x${k}`).join(' ')} end.`;

describe('splitSentences', () => {
  it('splits on sentence punctuation and paragraph breaks, not inside numbers or lower-case continuations', () => {
    expect(splitSentences('First one. Second one! Third? yes 3.14 is pi.\n\nNew paragraph')).toEqual([
      'First one.',
      'Second one!',
      'Third? yes 3.14 is pi.',
      'New paragraph',
    ]);
  });
});

describe('chunkText', () => {
  it('keeps a short text in one chunk', () => {
    expect(chunkText('A short text. Only two sentences.')).toEqual(['A short text. Only two sentences.']);
  });

  it('packs sentences into chunks of about 200–300 words, cut on sentence boundaries, with overlap', () => {
    const text = Array.from({ length: 120 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(4);
    for (const [i, chunk] of chunks.entries()) {
      const n = countWords(chunk);
      expect(n).toBeLessThanOrEqual(300);
      if (i < chunks.length - 1) expect(n).toBeGreaterThanOrEqual(200);
      expect(chunk.endsWith('end.')).toBe(true);
      expect(chunk.startsWith('Sentence')).toBe(true);
    }
    // The next chunk repeats the last sentence(s) of the previous one.
    const first = splitSentences(chunks[0]!);
    const second = splitSentences(chunks[1]!);
    const carried = second.findIndex((s) => !first.includes(s));
    expect(carried).toBeGreaterThan(0);
    expect(first.slice(-carried)).toEqual(second.slice(0, carried));
    expect(second.slice(0, carried).join(' ').split(' ').length).toBeLessThanOrEqual(50);
    // Every sentence appears somewhere.
    for (let i = 0; i < 120; i++) expect(chunks.some((c) => c.includes(`Sentence ${i} `))).toBe(true);
  });

  it('splits a sentence longer than the maximum on word boundaries', () => {
    const giant = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ') + '.';
    const chunks = chunkText(giant);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const c of chunks) expect(countWords(c)).toBeLessThanOrEqual(300);
  });

  it('is deterministic', () => {
    const text = Array.from({ length: 60 }, (_, i) => sentence(i, 20)).join(' ');
    expect(chunkText(text)).toEqual(chunkText(text));
  });
});
