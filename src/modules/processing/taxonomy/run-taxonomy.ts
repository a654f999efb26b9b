import { bytesToVector } from '../../../shared/embeddings/index.js';
import { PermanentStageError, ResourceGoneError } from '../errors.js';
import type { PipelineDeps, StageRun } from '../pipeline-deps.js';
import { classify } from './classify.js';

/**
 * TAXONOMY: classify into the top 3 categories and replace the resource's assignments in one
 * transaction. When the user set the categories by hand (`categoriesManual`, updateResource) the stage
 * changes nothing; reprocessResource clears that flag.
 */
export async function runTaxonomy(deps: PipelineDeps, run: StageRun): Promise<void> {
  const row = await deps.db.resource.findUnique({
    where: { id: run.resourceId },
    select: { vector: true, embeddingModel: true, content: true, categoriesManual: true },
  });
  if (!row) throw new ResourceGoneError(run.resourceId);
  if (row.categoriesManual) return;
  if (!row.vector || row.embeddingModel !== deps.embeddings.modelId)
    throw new PermanentStageError('The document has no vector from the current model (EMBEDDING did not complete)');
  const categories = await deps.categories.get();
  const result = classify(bytesToVector(row.vector), row.content, categories, deps.settings.taxonomyUncertainBelow);
  const data = result.categories.map((c) => ({
    resourceId: run.resourceId,
    categoryId: c.categoryId,
    confidence: c.confidence,
    manual: false,
  }));
  try {
    await deps.db.$transaction([
      deps.db.resource.update({
        where: { id: run.resourceId },
        data: { categoriesUncertain: result.uncertain },
        select: { id: true },
      }),
      deps.db.resourceCategory.deleteMany({ where: { resourceId: run.resourceId } }),
      deps.db.resourceCategory.createMany({ data }),
    ]);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'P2003' || code === 'P2025') throw new ResourceGoneError(run.resourceId);
    throw err;
  }
}
