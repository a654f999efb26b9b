import { countWords } from '../ingestion/text-stats.js';

export interface ChunkOptions {
  /** A chunk is closed once it reaches this many words. Default 250. */
  readonly targetWords?: number;
  /** A chunk never exceeds this (a longer sentence is split on word boundaries). Default 300. */
  readonly maxWords?: number;
  /** Words of trailing sentences repeated at the start of the next chunk. Default 50. */
  readonly overlapWords?: number;
}

/**
 * Splits text into sentences: after . ! ? … (and closing quotes/brackets) followed by whitespace,
 * and at paragraph breaks. Abbreviation-safe enough for chunking (a rare wrong split only moves a boundary).
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .flatMap((paragraph) => paragraph.replace(/\s+/g, ' ').split(/(?<=[.!?…]["'”’)\]]?)\s+(?=["'“‘([]?[\p{Lu}\p{N}])/u))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function splitLongSentence(sentence: string, maxWords: number): string[] {
  const words = sentence.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += maxWords) out.push(words.slice(i, i + maxWords).join(' '));
  return out;
}

/**
 * Chunks text for embedding: sentences are packed into chunks of about `targetWords` (never above
 * `maxWords`), cut on sentence boundaries, each chunk after the first starting with the last
 * sentences (up to `overlapWords`) of the previous one. A short final remainder joins the previous chunk
 * when it fits. Deterministic: the same text always gives the same chunks.
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const target = options.targetWords ?? 250;
  const max = options.maxWords ?? 300;
  const overlap = options.overlapWords ?? 50;
  const sentences = splitSentences(text).flatMap((s) => (countWords(s) > max ? splitLongSentence(s, max) : [s]));
  const sized = sentences.map((s) => ({ s, n: Math.max(1, countWords(s)) }));
  const chunks: { parts: typeof sized; words: number; fresh: number }[] = [];
  let current: { parts: typeof sized; words: number; fresh: number } = { parts: [], words: 0, fresh: 0 };
  for (const item of sized) {
    if (current.fresh > 0 && current.words + item.n > max) {
      chunks.push(current);
      const carried: typeof sized = [];
      let carriedWords = 0;
      for (let i = current.parts.length - 1; i >= 0; i--) {
        const p = current.parts[i]!;
        if (carriedWords + p.n > overlap || carriedWords + p.n + item.n > max) break;
        carried.unshift(p);
        carriedWords += p.n;
      }
      current = { parts: carried, words: carriedWords, fresh: 0 };
    }
    current.parts.push(item);
    current.words += item.n;
    current.fresh += 1;
    if (current.words >= target) {
      chunks.push(current);
      const carried: typeof sized = [];
      let carriedWords = 0;
      for (let i = current.parts.length - 1; i >= 0; i--) {
        const p = current.parts[i]!;
        if (carriedWords + p.n > overlap) break;
        carried.unshift(p);
        carriedWords += p.n;
      }
      current = { parts: carried, words: carriedWords, fresh: 0 };
    }
  }
  if (current.fresh > 0) {
    const last = chunks[chunks.length - 1];
    const freshParts = current.parts.slice(current.parts.length - current.fresh);
    const freshWords = freshParts.reduce((sum, p) => sum + p.n, 0);
    if (last && freshWords < target / 4 && last.words + freshWords <= max) {
      last.parts.push(...freshParts);
      last.words += freshWords;
    } else {
      chunks.push(current);
    }
  }
  return chunks.map((c) => c.parts.map((p) => p.s).join(' '));
}
