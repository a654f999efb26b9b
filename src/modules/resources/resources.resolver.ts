import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { FIELD_WEIGHT } from '../../shared/rate-limit/index.js';
import { resourceLoaders, type LoaderDeps } from './loaders/resource-loaders.js';
import { listResources, type ResourcePage } from './list/list-resources.js';
import { ResourceConnection } from './list/resource-connection.type.js';
import { ResourceFilter } from './list/resource-filter.input.js';
import { ResourceOrder } from './list/resource-order.input.js';
import { deleteResource } from './mutations/delete-resource.js';
import { updateResource } from './mutations/update-resource.js';
import { UpdateResourceInput } from './mutations/update-resource.input.js';
import { Resource } from './resource.type.js';

export interface ResourcesResolverDeps extends LoaderDeps {
  /** Called after a write that changes an owner's searchable data (drops cached vectors). */
  readonly onOwnerChanged?: (ownerId: string) => void;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** Reading, listing, editing and deleting the caller's resources (ADMIN: everyone's). */
@Resolver(() => ResourceConnection)
export class ResourcesResolver {
  constructor(private readonly deps: ResourcesResolverDeps) {}

  @Query(() => Resource, {
    nullable: true,
    description: "One of the caller's resources; NOT_FOUND when missing or someone else's.",
  })
  async resource(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Resource | null> {
    const row = await resourceLoaders(ctx, requireViewer(ctx), this.deps).resource.load(id);
    if (!row) throw notFound();
    return row as Resource;
  }

  @Query(() => ResourceConnection, {
    description: "A page of the caller's resources (cursor pagination, docs/api.md).",
  })
  async resources(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 25, description: '1..100' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('filter', () => ResourceFilter, { nullable: true }) filter: ResourceFilter | null,
    @Arg('orderBy', () => ResourceOrder, { nullable: true }) orderBy: ResourceOrder | null,
  ): Promise<ResourcePage> {
    // The service's page is the GraphQL source: Resource fields resolve from resource rows.
    return listResources({
      db: this.deps.db,
      viewer: requireViewer(ctx),
      first,
      after,
      filter,
      orderBy,
      signal: ctx.signal,
    });
  }

  @FieldResolver(() => Int, {
    description: 'Resources matching the filter (all pages).',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  totalCount(@Root() connection: ResourceConnection): Promise<number> {
    return connection.countTotal();
  }

  @Mutation(() => Resource, {
    description: 'Edits title, description or manual categories. NOT_FOUND for a foreign id.',
  })
  async updateResource(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateResourceInput) input: UpdateResourceInput,
  ): Promise<Resource> {
    const row = await updateResource({ db: this.deps.db, viewer: requireViewer(ctx), id, input });
    this.deps.onOwnerChanged?.(row.ownerId);
    return row as Resource;
  }

  @Mutation(() => Boolean, {
    description: 'Deletes a resource with its chunks, edges, categories and progress. NOT_FOUND for a foreign id.',
  })
  async deleteResource(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return deleteResource({
      db: this.deps.db,
      progress: this.deps.progress,
      viewer: requireViewer(ctx),
      id,
      ...(this.deps.onOwnerChanged ? { onDeleted: this.deps.onOwnerChanged } : {}),
      ...(this.deps.logger ? { logger: this.deps.logger } : {}),
    });
  }
}
