import { bytesToVector } from '../../../shared/embeddings/index.js';
import { ResourceGoneError, TransientStageError } from '../errors.js';
import type { PipelineDeps, StageRun } from '../pipeline-deps.js';
import { parseLinks, urlMatchKey } from '../stored-links.js';
import { buildEdges, type GraphNode } from './build-edges.js';

type Row = {
  id: string;
  url: string | null;
  outboundLinks: string | null;
  vector: Uint8Array | null;
  embeddingModel: string | null;
  categories: { categoryId: string; confidence: number }[];
};

const SELECT = {
  id: true,
  url: true,
  outboundLinks: true,
  vector: true,
  embeddingModel: true,
  categories: { select: { categoryId: true, confidence: true }, orderBy: { confidence: 'desc' as const } },
} as const;

function toNode(row: Row, model: string): GraphNode {
  const keys = new Set<string>();
  for (const link of parseLinks(row.outboundLinks)) {
    const key = urlMatchKey(link);
    if (key) keys.add(key);
  }
  return {
    id: row.id,
    urlKey: row.url ? urlMatchKey(row.url) : null,
    linkKeys: keys,
    vector: row.vector && row.embeddingModel === model ? bytesToVector(row.vector) : null,
    categoryIds: row.categories.map((c) => c.categoryId),
  };
}

/**
 * GRAPH: compute the resource's edges among the owner's other resources and replace its previous
 * outgoing edges and incoming CITES edges in one transaction (edges other resources computed as
 * SIMILAR sources stay theirs). Compares vectors of the current model only.
 */
export async function runGraph(deps: PipelineDeps, run: StageRun): Promise<void> {
  const self = await deps.db.resource.findUnique({
    where: { id: run.resourceId },
    select: { ...SELECT, ownerId: true },
  });
  if (!self) throw new ResourceGoneError(run.resourceId);
  const others = await deps.db.resource.findMany({
    where: { ownerId: self.ownerId, id: { not: self.id } },
    select: SELECT,
  });
  const model = deps.embeddings.modelId;
  const edges = buildEdges(
    toNode(self, model),
    others.map((o) => toNode(o, model)),
    { similarThreshold: deps.settings.similarThreshold, maxSimilar: deps.settings.maxSimilar },
  );
  // One batch transaction; upserts because a concurrent GRAPH run of the other resource may write the same CITES edge.
  const key = (e: (typeof edges)[number]) => ({ sourceId: e.sourceId, targetId: e.targetId, kind: e.kind });
  try {
    await deps.db.$transaction([
      deps.db.resourceEdge.deleteMany({ where: { sourceId: self.id } }),
      deps.db.resourceEdge.deleteMany({ where: { targetId: self.id, kind: 'CITES' } }),
      ...edges.map((e) =>
        deps.db.resourceEdge.upsert({
          where: { sourceId_targetId_kind: key(e) },
          create: { ...key(e), weight: e.weight },
          update: { weight: e.weight },
        }),
      ),
    ]);
  } catch (err) {
    if ((err as { code?: string }).code !== 'P2003') throw err;
    // A foreign key failed: this resource or a neighbour was deleted meanwhile. Only the former ends
    // the run; for the latter a retry recomputes the edges without the deleted neighbour.
    const stillThere = await deps.db.resource.findUnique({ where: { id: self.id }, select: { id: true } });
    if (!stillThere) throw new ResourceGoneError(run.resourceId);
    throw new TransientStageError('A related resource was deleted while the graph was being built', { cause: err });
  }
}
