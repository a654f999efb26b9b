import { createHash } from 'node:crypto';

/**
 * The text as hashed: Unicode NFC, CRLF/CR → LF, trailing spaces on lines dropped, outer whitespace trimmed.
 * Two submissions that differ only in those respects are the same content.
 */
export function normalizeContent(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

/** SHA-256 (hex) of the normalised text: the duplicate-detection key of a resource's content. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeContent(text), 'utf8').digest('hex');
}
