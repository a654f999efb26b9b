import type { GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { HealthResolver } from '../modules/monitoring/index.js';
import { RateLimitStatusResolver } from '../modules/usage/index.js';
import { AuthResolver, OAuthResolver } from '../modules/auth/index.js';
import { ResourceProgressResolver } from '../modules/resources/progress/index.js';
import { CreateResourceResolver } from '../modules/resources/create-resource.resolver.js';
import { ReprocessResourceResolver } from '../modules/resources/reprocess-resource.resolver.js';
import { ResourceFieldsResolver, ResourcesResolver, SearchResolver } from '../modules/resources/index.js';
import type { SubscriptionTopicSource } from '../shared/pubsub/index.js';

/**
 * Every resolver class in the API, in one list (append new slices' resolvers here).
 * Instances come from the container built by the composition root (start-api.ts).
 */
export const RESOLVERS: readonly NewableFunction[] = [
  HealthResolver,
  RateLimitStatusResolver,
  AuthResolver,
  OAuthResolver,
  ResourceProgressResolver,
  CreateResourceResolver,
  ReprocessResourceResolver,
  ResourcesResolver,
  ResourceFieldsResolver,
  SearchResolver,
];

/** Builds the executable schema; `instances` maps each resolver class to its constructed instance. */
export async function buildAppSchema(
  instances: ReadonlyMap<NewableFunction, object>,
  resolvers: readonly NewableFunction[] = RESOLVERS,
): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolvers as [NewableFunction, ...NewableFunction[]],
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    pubSub: routeSubscriptionTopics(instances),
    container: {
      get: (cls: NewableFunction) => {
        const instance = instances.get(cls);
        if (!instance) throw new TypeError(`no instance registered for resolver ${cls.name}`);
        return instance;
      },
    },
  });
}

/**
 * type-graphql requires a PubSub once any @Subscription exists. Ours routes each `topics` subscription to the
 * resolver instance that declares it (SubscriptionTopicSource), so subscriptions use injected services;
 * a source may return a Promise, which graphql-js awaits (a rejection becomes the subscription's error).
 * Publishing goes through the kernel pub/sub (src/shared/pubsub), never through type-graphql.
 */
function routeSubscriptionTopics(instances: { values(): Iterable<object> }) {
  return {
    publish(): void {
      throw new TypeError('publish through src/shared/pubsub, not type-graphql');
    },
    subscribe(topic: string, topicId?: unknown): AsyncIterable<unknown> {
      for (const instance of instances.values()) {
        const source = (instance as Partial<SubscriptionTopicSource>).subscriptionTopics?.[topic];
        if (source) return source(topicId) as AsyncIterable<unknown>;
      }
      throw new TypeError(`no resolver instance serves subscription topic "${topic}"`);
    },
  };
}
