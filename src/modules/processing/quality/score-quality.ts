import { fleschReadingEase } from './flesch.js';

/** Relative weights of the four scores in the overall score (normalised by their sum). */
export interface QualityWeights {
  readonly completeness: number;
  readonly readability: number;
  readonly depth: number;
  readonly credibility: number;
}

export interface QualityInput {
  readonly url: string | null;
  readonly title: string | null;
  readonly description: string | null;
  readonly language: string | null;
  readonly text: string;
  readonly wordCount: number;
  readonly outboundLinks: number;
}

export interface QualityScores {
  readonly completeness: number;
  readonly readability: number;
  readonly depth: number;
  readonly credibility: number;
  readonly overall: number;
}

/** Hosts (and their subdomains) treated as scholarly or reference sources. */
const REFERENCE_HOSTS = [
  'arxiv.org',
  'doi.org',
  'nature.com',
  'science.org',
  'sciencedirect.com',
  'springer.com',
  'link.springer.com',
  'wiley.com',
  'jstor.org',
  'plos.org',
  'pubmed.ncbi.nlm.nih.gov',
  'ncbi.nlm.nih.gov',
  'nih.gov',
  'acm.org',
  'ieee.org',
  'semanticscholar.org',
  'researchgate.net',
  'wikipedia.org',
  'britannica.com',
  'who.int',
  'un.org',
  'europa.eu',
  'oecd.org',
  'worldbank.org',
  'nasa.gov',
  'developer.mozilla.org',
  'w3.org',
  'ietf.org',
  'rfc-editor.org',
  'python.org',
  'nodejs.org',
  'openreview.net',
  'aclanthology.org',
  'ssrn.com',
  'biorxiv.org',
];
/** Top-level or second-level suffixes of academic and governmental hosts. */
const REFERENCE_SUFFIXES = [
  '.edu',
  '.gov',
  '.mil',
  '.ac.uk',
  '.ac.jp',
  '.edu.au',
  '.gov.uk',
  '.gouv.fr',
  '.ac.nz',
  '.edu.cn',
];

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** 0.3·title + 0.25·description + 0.15·language + 0.2·(≥ 100 words) + 0.1·source URL. */
export function completenessScore(input: QualityInput): number {
  const has = (s: string | null) => (s && s.trim() !== '' ? 1 : 0);
  return clamp01(
    0.3 * has(input.title) +
      0.25 * has(input.description) +
      0.15 * has(input.language) +
      0.2 * (input.wordCount >= 100 ? 1 : 0) +
      0.1 * has(input.url),
  );
}

/** Flesch reading ease clamped to 0..100, divided by 100 (0 when there are no words). */
export function readabilityScore(text: string): number {
  const fre = fleschReadingEase(text);
  return fre === null ? 0 : clamp01(fre / 100);
}

/** Length bands: < 100 words 0.1, < 300 0.3, < 800 0.5, < 2 000 0.75, < 5 000 0.9, else 1. */
export function depthScore(wordCount: number): number {
  if (wordCount < 100) return 0.1;
  if (wordCount < 300) return 0.3;
  if (wordCount < 800) return 0.5;
  if (wordCount < 2_000) return 0.75;
  if (wordCount < 5_000) return 0.9;
  return 1;
}

/**
 * Starts at 0.5; https +0.1 (plain http −0.1); a scholarly/reference host +0.3; a bare IP host −0.3;
 * citing sources (≥ 3 outbound links) +0.1. Submitted text (no URL) stays at the neutral 0.5 (+ citations).
 */
export function credibilityScore(url: string | null, outboundLinks: number): number {
  let score = 0.5;
  if (outboundLinks >= 3) score += 0.1;
  if (!url) return clamp01(score);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return clamp01(score - 0.2);
  }
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  score += parsed.protocol === 'https:' ? 0.1 : -0.1;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[')) score -= 0.3;
  else if (
    REFERENCE_HOSTS.some((h) => host === h || host.endsWith(`.${h}`)) ||
    REFERENCE_SUFFIXES.some((s) => host.endsWith(s))
  )
    score += 0.3;
  return clamp01(score);
}

/**
 * The four scores in 0..1 and their weighted mean `overall` (weights normalised by their sum),
 * each rounded to 3 decimals. Formulas: docs/processing.md.
 * @throws TypeError when every weight is 0 or one is negative.
 */
export function scoreQuality(input: QualityInput, weights: QualityWeights): QualityScores {
  const w = [weights.completeness, weights.readability, weights.depth, weights.credibility];
  const total = w.reduce((a, b) => a + b, 0);
  if (w.some((x) => x < 0 || !Number.isFinite(x)) || total <= 0)
    throw new TypeError('quality weights must be ≥ 0 with a positive sum');
  const completeness = completenessScore(input);
  const readability = readabilityScore(input.text);
  const depth = depthScore(input.wordCount);
  const credibility = credibilityScore(input.url, input.outboundLinks);
  const overall = (completeness * w[0]! + readability * w[1]! + depth * w[2]! + credibility * w[3]!) / total;
  return {
    completeness: round3(completeness),
    readability: round3(readability),
    depth: round3(depth),
    credibility: round3(credibility),
    overall: round3(overall),
  };
}
