import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../../shared/context.js';
import { badInput } from '../../../shared/errors.js';
import { FIELD_WEIGHT } from '../../../shared/rate-limit/index.js';
import { resourceLoaders, type LoaderDeps } from '../loaders/resource-loaders.js';
import { Resource } from '../resource.type.js';
import type { ResourceProgress } from '../../../shared/status-tracker/index.js';
import { ResourceProgressType } from '../progress/progress.types.js';
import { ResourceCategory } from '../types/category.type.js';
import { RelatedResource } from '../types/related-resource.type.js';
import { ResourceQuality } from '../types/resource-quality.type.js';
import { qualityOf, type QualityColumns } from './quality-of.js';

/** The loaded-on-demand fields of `Resource`; every one goes through a per-request DataLoader. */
@Resolver(() => Resource)
export class ResourceFieldsResolver {
  constructor(private readonly deps: LoaderDeps) {}

  @FieldResolver(() => String, {
    description: 'The first 280 characters of the text, cut at a word.',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  contentPreview(@Root() resource: Resource, @Ctx() ctx: RequestContext): Promise<string> {
    return resourceLoaders(ctx, requireViewer(ctx), this.deps).preview.load(resource.id);
  }

  @FieldResolver(() => String, {
    description: 'The full extracted text (can be large: request it only when needed).',
    complexity: FIELD_WEIGHT.FULL_TEXT,
  })
  content(@Root() resource: Resource, @Ctx() ctx: RequestContext): Promise<string> {
    return resourceLoaders(ctx, requireViewer(ctx), this.deps).content.load(resource.id);
  }

  @FieldResolver(() => ResourceQuality, {
    nullable: true,
    description: 'Null until the QUALITY stage has run.',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  async quality(@Root() resource: Resource, @Ctx() ctx: RequestContext): Promise<ResourceQuality | null> {
    const columns = resource as Resource & Partial<QualityColumns>;
    if (columns.qualityOverall !== undefined) return qualityOf(columns as QualityColumns);
    const row = await resourceLoaders(ctx, requireViewer(ctx), this.deps).resource.load(resource.id);
    return row ? qualityOf(row) : null;
  }

  @FieldResolver(() => [ResourceCategory], {
    description: 'Assigned categories, most confident first.',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  categories(@Root() resource: Resource, @Ctx() ctx: RequestContext): Promise<ResourceCategory[]> {
    return resourceLoaders(ctx, requireViewer(ctx), this.deps).categories.load(resource.id);
  }

  @FieldResolver(() => [RelatedResource], {
    description: 'Linked resources (citations both ways, similar content), strongest first.',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  async related(
    @Root() resource: Resource,
    @Ctx() ctx: RequestContext,
    @Arg('limit', () => Int, { defaultValue: 10, description: '1..50' }) limit: number,
  ): Promise<RelatedResource[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw badInput('limit', 'limit must be between 1 and 50');
    const loaders = resourceLoaders(ctx, requireViewer(ctx), this.deps);
    const links = (await loaders.related.load(resource.id)).slice(0, limit);
    // Edges only join one owner's resources; the scoped loader still guards every target.
    const rows = await loaders.resource.loadMany(links.map((l) => l.resourceId));
    const out: RelatedResource[] = [];
    links.forEach((link, i) => {
      const row = rows[i];
      if (row && !(row instanceof Error)) out.push({ resource: row as Resource, weight: link.weight, kind: link.kind });
    });
    return out;
  }

  @FieldResolver(() => ResourceProgressType, {
    description: 'Processing progress (live while processing; the stored final state afterwards).',
    complexity: FIELD_WEIGHT.RESOLVED,
  })
  progress(@Root() resource: Resource, @Ctx() ctx: RequestContext): Promise<ResourceProgress> {
    return resourceLoaders(ctx, requireViewer(ctx), this.deps).progress.load(resource.id);
  }
}
