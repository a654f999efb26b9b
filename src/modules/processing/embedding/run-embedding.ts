import { meanVector, vectorToBytes } from '../../../shared/embeddings/index.js';
import { countWords } from '../ingestion/text-stats.js';
import { PermanentStageError, ResourceGoneError } from '../errors.js';
import type { PipelineDeps, StageRun } from '../pipeline-deps.js';
import { chunkText } from './chunk-text.js';

/**
 * EMBEDDING: chunk the text, embed every chunk in batches with the loaded model, and store the chunks
 * and the document vector (the word-count-weighted mean of its chunk vectors, unit length) with the
 * model id — replacing the previous chunks of every model in one transaction.
 */
export async function runEmbedding(deps: PipelineDeps, run: StageRun): Promise<void> {
  const row = await deps.db.resource.findUnique({ where: { id: run.resourceId }, select: { content: true } });
  if (!row) throw new ResourceGoneError(run.resourceId);
  const chunks = chunkText(row.content);
  if (chunks.length === 0) throw new PermanentStageError('There is no text to embed');
  const vectors = await deps.embeddings.embed(chunks);
  const documentVector = meanVector(
    vectors,
    chunks.map((c) => countWords(c)),
  );
  const model = deps.embeddings.modelId;
  // One batch transaction (cheaper than an interactive one): a row deleted meanwhile makes the chunk
  // insert violate its foreign key, which ends the run as "resource gone".
  try {
    await deps.db.$transaction([
      deps.db.resourceChunk.deleteMany({ where: { resourceId: run.resourceId } }),
      deps.db.resourceChunk.createMany({
        data: chunks.map((text, index) => ({
          resourceId: run.resourceId,
          index,
          text,
          vector: vectorToBytes(vectors[index]!),
          model,
        })),
      }),
      deps.db.resource.update({
        where: { id: run.resourceId },
        data: { vector: vectorToBytes(documentVector), embeddingModel: model },
        select: { id: true },
      }),
    ]);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'P2003' || code === 'P2025') throw new ResourceGoneError(run.resourceId);
    throw err;
  }
}
