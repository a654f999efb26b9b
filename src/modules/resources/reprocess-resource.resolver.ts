import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../shared/context.js';
import type { CreateResourceResolverDeps } from './create-resource.resolver.js';
import { reprocessResource } from './reprocess-resource.js';
import { Resource } from './resource.type.js';

@Resolver()
export class ReprocessResourceResolver {
  constructor(private readonly deps: CreateResourceResolverDeps) {}

  @Mutation(() => Resource, {
    description: 'Runs every processing stage again (re-embeds with the current model). NOT_FOUND for a foreign id.',
  })
  async reprocessResource(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Resource> {
    const row = await reprocessResource({ ...this.deps, viewer: requireViewer(ctx), id });
    return row as Resource;
  }
}
