import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { domToText } from './html-to-text.js';

/** What ingestion keeps from an HTML page. */
export interface ExtractedHtml {
  /** The main text (boilerplate such as navigation, ads and footers removed), paragraphs separated by blank lines. */
  readonly text: string;
  readonly title: string | null;
  readonly description: string | null;
  /** Absolute http(s) links of the whole page, deduplicated, fragment removed, at most 500. */
  readonly links: readonly string[];
  /** The page's declared language (`<html lang>`), if any. */
  readonly declaredLanguage: string | null;
}

const MAX_LINKS = 500;

/**
 * Extracts the main text, title, description and outbound links of an HTML document with
 * Mozilla Readability (Firefox Reader View) on linkedom; pages Readability rejects fall back to the
 * body text without scripts, navigation, headers and footers.
 */
export function extractHtml(html: string, baseUrl: string | null): ExtractedHtml {
  const { document } = parseHTML(html);
  const meta = (selector: string): string | null => {
    const value = document.querySelector(selector)?.getAttribute('content')?.trim();
    return value ? value : null;
  };
  const description =
    meta('meta[name="description" i]') ??
    meta('meta[property="og:description"]') ??
    meta('meta[name="twitter:description"]');
  const metaTitle = meta('meta[property="og:title"]') ?? (document.querySelector('title')?.textContent?.trim() || null);
  const declaredLanguage = document.documentElement?.getAttribute('lang')?.trim() || null;

  const links: string[] = [];
  const seen = new Set<string>();
  for (const a of document.querySelectorAll('a[href]')) {
    if (links.length >= MAX_LINKS) break;
    const href = a.getAttribute('href') ?? '';
    let url: URL;
    try {
      url = baseUrl ? new URL(href, baseUrl) : new URL(href);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    const s = url.toString();
    if (baseUrl && s === new URL(baseUrl).toString()) continue;
    if (!seen.has(s)) {
      seen.add(s);
      links.push(s);
    }
  }

  // Readability mutates the document: it runs last.
  let text = '';
  let title = metaTitle;
  let excerpt: string | null = null;
  try {
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
    }).parse();
    if (article?.content) {
      const { document: articleDoc } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
      text = domToText(articleDoc.body as never);
      title = article.title?.trim() || title;
      excerpt = article.excerpt?.trim() || null;
    }
  } catch {
    text = '';
  }
  if (text.length < 50) {
    const { document: raw } = parseHTML(html);
    for (const el of raw.querySelectorAll(
      'nav, header, footer, aside, form, [role="navigation"], [aria-hidden="true"]',
    ))
      el.remove();
    text = domToText((raw.body ?? raw.documentElement) as never);
  }
  return { text, title: title || null, description: description ?? excerpt, links, declaredLanguage };
}
