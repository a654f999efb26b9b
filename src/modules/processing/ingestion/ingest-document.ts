import { contentHash, normalizeContent } from '../../../shared/content-hash.js';
import { PermanentStageError } from '../errors.js';
import { detectLanguage } from './detect-language.js';
import { extractHtml } from './extract-html.js';
import { countWords, extractTextLinks, guessTitle } from './text-stats.js';

/** Minimum readable characters a resource needs. */
export const MIN_TEXT_CHARS = 50;

/** The raw material of a resource: a fetched body or submitted text. */
export interface RawDocument {
  /** Decoded text of the body. */
  readonly body: string;
  /** "text/html", "text/plain", "text/markdown"…; null for submitted text (sniffed). */
  readonly mediaType: string | null;
  /** The final URL (after redirects) for fetched documents. */
  readonly url: string | null;
}

/** The INGESTION stage's output for one resource. */
export interface IngestedDocument {
  readonly text: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly language: string | null;
  readonly contentHash: string;
  readonly wordCount: number;
  readonly links: readonly string[];
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const TEXT_TYPES = new Set([
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/csv',
  'application/json',
  'text/xml',
  'application/xml',
  '',
]);

/** True when submitted text is an HTML document rather than prose or Markdown. */
function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html[\s>])/i.test(body);
}

/**
 * Turns a raw document into text and metadata: HTML through Readability (main text, title, description,
 * links), plain text and Markdown as they are; then language, content hash and word count.
 * @throws PermanentStageError for unsupported media types and for fewer than 50 readable characters.
 */
export function ingestDocument(raw: RawDocument): IngestedDocument {
  const isHtml = raw.mediaType ? HTML_TYPES.has(raw.mediaType) : looksLikeHtml(raw.body);
  if (!isHtml && raw.mediaType !== null && !TEXT_TYPES.has(raw.mediaType) && !raw.mediaType.startsWith('text/')) {
    throw new PermanentStageError(
      `Pharos cannot read ${raw.mediaType} documents yet (HTML, plain text and Markdown are supported)`,
    );
  }
  let text: string;
  let title: string | null;
  let description: string | null = null;
  let links: readonly string[];
  let declared: string | null = null;
  if (isHtml) {
    const page = extractHtml(raw.body, raw.url);
    text = normalizeContent(page.text);
    title = page.title;
    description = page.description;
    links = page.links;
    declared = page.declaredLanguage;
  } else {
    text = normalizeContent(raw.body);
    title = guessTitle(text);
    links = extractTextLinks(text);
  }
  if (text.length < MIN_TEXT_CHARS) {
    const where = raw.url ? 'The page has' : 'The text has';
    throw new PermanentStageError(
      `${where} too little readable text (${text.length} characters; at least ${MIN_TEXT_CHARS} are needed)`,
    );
  }
  return {
    text,
    title,
    description,
    language: detectLanguage(text, declared),
    contentHash: contentHash(text),
    wordCount: countWords(text),
    links,
  };
}

/** Decodes a fetched body with its declared charset (UTF-8 when absent or unknown). */
export function decodeBody(body: Buffer, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
