import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../../shared/context.js';
import { FIELD_WEIGHT } from '../../../shared/rate-limit/index.js';
import { ResourceFilter } from '../list/resource-filter.input.js';
import { SearchHit } from './search-hit.type.js';
import { SearchMode } from './search-mode.js';
import { searchResources, type SearchDeps, type SearchResult } from './search-resources.js';

@Resolver()
export class SearchResolver {
  constructor(private readonly deps: SearchDeps) {}

  @Query(() => [SearchHit], {
    description: "Searches the caller's resources by keyword, meaning or both (docs/search.md).",
    complexity: FIELD_WEIGHT.SEARCH,
  })
  async search(
    @Ctx() ctx: RequestContext,
    @Arg('query', () => String, { description: '1..1,000 characters, not blank.' }) query: string,
    @Arg('mode', () => SearchMode, { defaultValue: SearchMode.HYBRID }) mode: SearchMode,
    @Arg('limit', () => Int, { defaultValue: 10, description: '1..50' }) limit: number,
    @Arg('filter', () => ResourceFilter, { nullable: true }) filter: ResourceFilter | null,
  ): Promise<SearchResult[]> {
    // The service's rows are the GraphQL sources: SearchHit.resource's fields resolve from a resource row.
    return searchResources(this.deps, {
      viewer: requireViewer(ctx),
      query,
      mode,
      limit,
      filter,
      signal: ctx.signal,
    });
  }
}
