import { ResourceGoneError } from '../errors.js';
import type { PipelineDeps, StageRun } from '../pipeline-deps.js';
import { parseLinks } from '../stored-links.js';
import { scoreQuality } from './score-quality.js';

/** QUALITY: score the stored text and metadata and write the five quality columns in one update. */
export async function runQuality(deps: PipelineDeps, run: StageRun): Promise<void> {
  const row = await deps.db.resource.findUnique({
    where: { id: run.resourceId },
    select: {
      url: true,
      title: true,
      description: true,
      language: true,
      content: true,
      wordCount: true,
      outboundLinks: true,
    },
  });
  if (!row) throw new ResourceGoneError(run.resourceId);
  const links = parseLinks(row.outboundLinks);
  const scores = scoreQuality({ ...row, text: row.content, outboundLinks: links.length }, deps.settings.quality);
  const result = await deps.db.resource.updateMany({
    where: { id: run.resourceId },
    data: {
      qualityOverall: scores.overall,
      qualityCompleteness: scores.completeness,
      qualityReadability: scores.readability,
      qualityDepth: scores.depth,
      qualityCredibility: scores.credibility,
    },
  });
  if (result.count === 0) throw new ResourceGoneError(run.resourceId);
}
