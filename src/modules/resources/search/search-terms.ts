import { badInput } from '../../../shared/errors.js';

/** Longest accepted query text, in characters. */
export const MAX_QUERY_CHARS = 1000;
/** Words beyond this many are ignored by the keyword engines. */
export const MAX_QUERY_TERMS = 32;

/**
 * The lower-cased words of a query (letters and digits; everything else separates words), deduplicated,
 * at most MAX_QUERY_TERMS. Only these reach the SQL engines, so no query syntax can be injected.
 */
export function searchTerms(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_QUERY_TERMS);
}

/**
 * English stopwords (the Snowball list PostgreSQL's `english` configuration uses), so both engines
 * ignore the same words.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself ' +
    'they them their theirs themselves what which who whom this that these those am is are was were be been being have has had having ' +
    'do does did doing a an the and but if or because as until while of at by for with about against between into through during ' +
    'before after above below to from up down in out on off over under again further then once here there when where why how all any ' +
    'both each few more most other some such no nor not only own same so than too very s t can will just don should now'
  ).split(' '),
);

/** The words that carry meaning: `terms` without stopwords, or all of them when nothing else is left. */
export function contentTerms(terms: readonly string[]): string[] {
  const content = terms.filter((t) => !STOPWORDS.has(t));
  return content.length > 0 ? content : [...terms];
}

/**
 * The trimmed query, validated.
 * @throws AppError BAD_USER_INPUT when it is empty, whitespace only or longer than MAX_QUERY_CHARS.
 */
export function validateQuery(query: string, field = 'query'): string {
  const trimmed = query.trim();
  if (trimmed === '') throw badInput(field, 'The search query must not be empty');
  if (query.length > MAX_QUERY_CHARS)
    throw badInput(field, `The search query must be at most ${MAX_QUERY_CHARS} characters`);
  return trimmed;
}
