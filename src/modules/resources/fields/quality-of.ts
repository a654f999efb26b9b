import type { ResourceQuality } from '../types/resource-quality.type.js';

export interface QualityColumns {
  qualityOverall: number | null;
  qualityCompleteness: number | null;
  qualityReadability: number | null;
  qualityDepth: number | null;
  qualityCredibility: number | null;
}

/** The `quality` object of a row, or null when the QUALITY stage has not written a score yet. */
export function qualityOf(row: QualityColumns): ResourceQuality | null {
  if (row.qualityOverall === null) return null;
  return {
    overall: row.qualityOverall,
    completeness: row.qualityCompleteness,
    readability: row.qualityReadability,
    depth: row.qualityDepth,
    credibility: row.qualityCredibility,
  };
}
