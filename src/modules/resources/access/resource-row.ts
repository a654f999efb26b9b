/**
 * The columns the API reads for a resource (content and vectors excluded: they are loaded on request).
 * `Resource` GraphQL objects are built from this row.
 */
export const RESOURCE_ROW_SELECT = {
  id: true,
  ownerId: true,
  url: true,
  title: true,
  description: true,
  language: true,
  wordCount: true,
  overallStatus: true,
  qualityOverall: true,
  qualityCompleteness: true,
  qualityReadability: true,
  qualityDepth: true,
  qualityCredibility: true,
  categoriesManual: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** A resource row as selected by RESOURCE_ROW_SELECT. */
export interface ResourceRow {
  id: string;
  ownerId: string;
  url: string | null;
  title: string | null;
  description: string | null;
  language: string | null;
  wordCount: number;
  overallStatus: string;
  qualityOverall: number | null;
  qualityCompleteness: number | null;
  qualityReadability: number | null;
  qualityDepth: number | null;
  qualityCredibility: number | null;
  categoriesManual: boolean;
  createdAt: Date;
  updatedAt: Date;
}
