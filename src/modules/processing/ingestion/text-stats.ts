const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Number of words: runs of letters/digits, with inner apostrophes and hyphens kept together. */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(WORD)) n++;
  return n;
}

/** Absolute http(s) URLs mentioned in plain text or Markdown (`[x](url)`, `<url>` or bare), deduplicated, at most 500. */
export function extractTextLinks(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/https?:\/\/[^\s<>()[\]"'`]+/gi)) {
    if (out.length >= 500) break;
    const raw = match[0].replace(/[.,;:!?]+$/, '');
    try {
      const url = new URL(raw);
      url.hash = '';
      const s = url.toString();
      if (!seen.has(s)) {
        seen.add(s);
        out.push(s);
      }
    } catch {
      // not a URL after all
    }
  }
  return out;
}

/** A Markdown document's first `# heading`, else its first non-empty line, cut to 200 characters. */
export function guessTitle(text: string): string | null {
  const heading = /^#{1,2}\s+(.+?)\s*#*\s*$/m.exec(text)?.[1];
  const line = heading ?? text.split('\n').find((l) => l.trim() !== '');
  if (!line) return null;
  const clean = line.replace(/[*_`]/g, '').trim();
  return clean.length > 200 ? `${clean.slice(0, 197)}…` : clean;
}
