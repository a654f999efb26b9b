import { describe, expect, it } from 'vitest';
import { chunkSnippet, parseMarkedSnippet } from './snippets.js';

describe('parseMarkedSnippet', () => {
  it('turns engine markers into plain text and ranges pointing at the marked words', () => {
    const s = parseMarkedSnippet('…the \u0001quick\u0002 brown \u0001foxes\u0002  jump…');
    expect(s.text).toBe('…the quick brown foxes jump…');
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['quick', 'foxes']);
    expect(s.highlights.map((h) => h.text)).toEqual(['quick', 'foxes']);
  });

  it('counts UTF-16 offsets past astral characters', () => {
    const s = parseMarkedSnippet('😀 \u0001mot\u0002');
    expect(s.text.slice(s.highlights[0]!.start, s.highlights[0]!.end)).toBe('mot');
  });
});

describe('chunkSnippet', () => {
  it('cuts a window around the first query word and highlights every match', () => {
    const text = `${'filler '.repeat(60)}Humpback whales migrate; whales sing.${' tail'.repeat(80)}`;
    const s = chunkSnippet(text, ['whales', 'migration']);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.text.length).toBeLessThanOrEqual(243);
    const marked = s.highlights.map((h) => s.text.slice(h.start, h.end));
    expect(marked).toEqual(['whales', 'migrate', 'whales']);
  });

  it('starts at the beginning when no word matches', () => {
    const s = chunkSnippet('Short text about nothing in particular.', ['zebra']);
    expect(s).toEqual({ text: 'Short text about nothing in particular.', highlights: [] });
  });
});
