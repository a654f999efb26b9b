import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../shared/context.js';
import { CreateResourceInput } from './create-resource.input.js';
import { createResource, type ProcessingTrigger } from './create-resource.js';
import { Resource } from './resource.type.js';
import type { ResourcesDatabase } from './resources.deps.js';

export interface CreateResourceResolverDeps extends ProcessingTrigger {
  readonly db: ResourcesDatabase;
}

@Resolver()
export class CreateResourceResolver {
  constructor(private readonly deps: CreateResourceResolverDeps) {}

  @Mutation(() => Resource, {
    description:
      'Adds a URL or a text and queues its processing; returns at once (follow it with resourceProgress). The same content or URL you already added returns that resource.',
  })
  async createResource(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateResourceInput) input: CreateResourceInput,
  ): Promise<Resource> {
    const row = await createResource({ ...this.deps, viewer: requireViewer(ctx), input });
    return row as Resource;
  }
}
