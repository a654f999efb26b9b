import { splitSentences } from '../embedding/chunk-text.js';

/** Syllables of an English word by vowel groups, minus a silent final e (at least 1). */
export function countSyllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 1);
}

/**
 * Flesch reading ease: 206.835 − 1.015 × (words / sentences) − 84.6 × (syllables / words).
 * About 60–70 is plain English, below 30 is very hard; null for text without words.
 */
export function fleschReadingEase(text: string): number | null {
  const sentences = Math.max(1, splitSentences(text).length);
  const words = text.match(/[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?/g) ?? [];
  if (words.length === 0) return null;
  const syllables = words.reduce((sum, w) => sum + countSyllables(w), 0);
  return 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syllables / words.length);
}
