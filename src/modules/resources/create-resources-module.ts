import type { EmbeddingService } from '../../shared/embeddings/index.js';
import type { Logger } from '../../shared/logger.js';
import { ResourceFieldsResolver } from './fields/resource-fields.resolver.js';
import type { ProgressSource, ResourcesDatabase } from './resources.deps.js';
import { ResourcesResolver } from './resources.resolver.js';
import { SearchResolver } from './search/search.resolver.js';
import { VectorCache } from './search/vector-cache.js';

export interface CreateResourcesModuleOptions {
  readonly db: ResourcesDatabase;
  /** The StatusTracker: `progress` fields read through getProgressMany, deletes call clearProgress. */
  readonly progress: ProgressSource;
  /** Embeds search queries; must be the model the EMBEDDING stage writes chunk vectors with. */
  readonly embeddings: Pick<EmbeddingService, 'modelId' | 'dimensions' | 'embed'>;
  /** Memory budget of the semantic-search vector cache, in bytes (SEARCH_VECTOR_CACHE_MB). */
  readonly vectorCacheBytes: number;
  /** Warnings of best-effort cleanups (e.g. a progress record Redis could not drop). */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** A resolver class (type-graphql instantiates nothing: the composition root's container hands out instances). */
export type ResolverClass = abstract new (...args: never[]) => object;

export interface ResourcesModule {
  /** Resolver classes of this slice (for build-schema.ts RESOLVERS). */
  readonly resolvers: readonly ResolverClass[];
  /** Resolver class → instance, for the composition root's container. */
  readonly instances: ReadonlyMap<ResolverClass, object>;
  readonly vectors: VectorCache;
}

/** Wires the resources slice: list/read/update/delete, Resource fields and search, sharing one vector cache. */
export function createResourcesModule(options: CreateResourcesModuleOptions): ResourcesModule {
  const vectors = new VectorCache({ db: options.db, maxBytes: options.vectorCacheBytes });
  const loaderDeps = { db: options.db, progress: options.progress };
  const instances = new Map<ResolverClass, object>([
    [
      ResourcesResolver,
      new ResourcesResolver({
        ...loaderDeps,
        onOwnerChanged: (ownerId) => vectors.invalidate(ownerId),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    ],
    [ResourceFieldsResolver, new ResourceFieldsResolver(loaderDeps)],
    [SearchResolver, new SearchResolver({ db: options.db, embeddings: options.embeddings, vectors })],
  ]);
  return { resolvers: [...instances.keys()], instances, vectors };
}
