import type { AppModule, ResolverClass } from '../../shared/app-module.js';
import type { EmbeddingService } from '../../shared/embeddings/index.js';
import type { Logger } from '../../shared/logger.js';
import type { JobQueue } from '../../shared/queue/index.js';
import type { StatusTracker } from '../../shared/status-tracker/index.js';
import { CreateResourceResolver } from './create-resource.resolver.js';
import { ResourceFieldsResolver } from './fields/resource-fields.resolver.js';
import { ResourceProgressResolver } from './progress/resource-progress.resolver.js';
import { ReprocessResourceResolver } from './reprocess-resource.resolver.js';
import type { ResourcesDatabase } from './resources.deps.js';
import { ResourcesResolver } from './resources.resolver.js';
import { SearchResolver } from './search/search.resolver.js';
import { VectorCache } from './search/vector-cache.js';

/** The resolver classes of this slice (schema.graphql is printed from them without instances). */
export const RESOURCES_RESOLVERS: readonly ResolverClass[] = [
  ResourcesResolver,
  ResourceFieldsResolver,
  SearchResolver,
  ResourceProgressResolver,
  CreateResourceResolver,
  ReprocessResourceResolver,
];

export interface CreateResourcesModuleOptions {
  readonly db: ResourcesDatabase;
  /** The StatusTracker: `progress` fields and `resourceProgress`, initialised by create/reprocess, cleared by delete. */
  readonly progress: StatusTracker;
  /** Where create/reprocess queue the `process-resource` job (checked with `ping` before anything is written). */
  readonly queue: Pick<JobQueue, 'enqueueProcessResource' | 'ping'>;
  /** Embeds search queries; must be the model the EMBEDDING stage writes chunk vectors with. */
  readonly embeddings: Pick<EmbeddingService, 'modelId' | 'dimensions' | 'embed'>;
  /** Memory budget of the semantic-search vector cache, in bytes (SEARCH_VECTOR_CACHE_MB). */
  readonly vectorCacheBytes: number;
  /** Warnings of best-effort cleanups (e.g. a progress record Redis could not drop). */
  readonly logger: Logger;
}

export interface ResourcesModule extends AppModule {
  readonly vectors: VectorCache;
}

/**
 * Wires the resources slice: create/reprocess (queue the job), list/read/update/delete, Resource fields,
 * search and live progress, sharing one vector cache.
 */
export function createResourcesModule(options: CreateResourcesModuleOptions): ResourcesModule {
  const { db, progress, logger } = options;
  const vectors = new VectorCache({ db, maxBytes: options.vectorCacheBytes });
  const loaderDeps = { db, progress };
  const processingTrigger = { db, queue: options.queue, tracker: progress, logger };
  const resolvers = new Map<ResolverClass, object>([
    [
      ResourcesResolver,
      new ResourcesResolver({ ...loaderDeps, onOwnerChanged: (ownerId) => vectors.invalidate(ownerId), logger }),
    ],
    [ResourceFieldsResolver, new ResourceFieldsResolver(loaderDeps)],
    [SearchResolver, new SearchResolver({ db, embeddings: options.embeddings, vectors })],
    [ResourceProgressResolver, new ResourceProgressResolver({ prisma: db.prisma, tracker: progress })],
    [CreateResourceResolver, new CreateResourceResolver(processingTrigger)],
    [ReprocessResourceResolver, new ReprocessResourceResolver(processingTrigger)],
  ]);
  return { resolvers, publicOperations: [], freeOperations: [], vectors };
}
