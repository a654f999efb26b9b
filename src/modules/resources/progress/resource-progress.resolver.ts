import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../../shared/context.js';
import type { SubscriptionTopicSource } from '../../../shared/pubsub/index.js';
import type { ResourceProgress } from '../../../shared/status-tracker/index.js';
import { ResourceProgressType } from './progress.types.js';
import { getResourceProgress, watchResourceProgress, type ProgressAccess } from './resource-progress.service.js';

/** The type-graphql topic of the `resourceProgress` subscription (served by this resolver's instance). */
export const RESOURCE_PROGRESS_TOPIC = 'resourceProgress';

interface TopicId {
  readonly id: string;
  readonly context: RequestContext;
}

@Resolver()
export class ResourceProgressResolver implements SubscriptionTopicSource {
  constructor(private readonly access: ProgressAccess) {}

  readonly subscriptionTopics = {
    [RESOURCE_PROGRESS_TOPIC]: (topicId: unknown) => {
      const { id, context } = topicId as TopicId;
      return watchResourceProgress({ ...this.access, viewer: requireViewer(context), resourceId: id });
    },
  };

  @Query(() => ResourceProgressType, {
    name: 'resourceProgress',
    nullable: true,
    description: 'Current processing progress of one of your resources (NOT_FOUND for anyone else’s).',
  })
  resourceProgressQuery(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ResourceProgress> {
    return getResourceProgress({ ...this.access, viewer: requireViewer(ctx), resourceId: id });
  }

  @Subscription(() => ResourceProgressType, {
    name: 'resourceProgress',
    description: 'First the current snapshot, then every change, in order. Owner or ADMIN only (else NOT_FOUND).',
    topics: RESOURCE_PROGRESS_TOPIC,
    topicId: ({ args, context }) => ({ id: String(args.id), context: context as RequestContext }) satisfies TopicId,
  })
  resourceProgressSubscription(@Root() progress: ResourceProgress, @Arg('id', () => ID) _id: string): ResourceProgress {
    return progress;
  }
}
