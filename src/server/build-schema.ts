import type { GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AUTH_RESOLVERS } from '../modules/auth/index.js';
import { MONITORING_RESOLVERS } from '../modules/monitoring/index.js';
import { RESOURCES_RESOLVERS } from '../modules/resources/index.js';
import { USAGE_RESOLVERS } from '../modules/usage/index.js';
import type { AppModule, ResolverClass } from '../shared/app-module.js';
import type { SubscriptionTopicSource } from '../shared/pubsub/index.js';

/** Every slice's resolver classes: what schema.graphql is printed from (print-schema.ts). */
export const SLICE_RESOLVERS: readonly ResolverClass[] = [
  ...MONITORING_RESOLVERS,
  ...USAGE_RESOLVERS,
  ...AUTH_RESOLVERS,
  ...RESOURCES_RESOLVERS,
];

/** Builds the executable schema from the modules' resolvers (each class once, its instance from its module). */
export async function buildAppSchema(modules: readonly Pick<AppModule, 'resolvers'>[]): Promise<GraphQLSchema> {
  const instances = new Map<ResolverClass, object>();
  for (const module of modules)
    for (const [cls, instance] of module.resolvers) {
      if (instances.has(cls)) throw new TypeError(`resolver ${cls.name} is registered by two modules`);
      instances.set(cls, instance);
    }
  return buildSchema({
    resolvers: [...instances.keys()] as unknown as [NewableFunction, ...NewableFunction[]],
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    pubSub: routeSubscriptionTopics(instances),
    container: {
      get: (cls: ResolverClass) => {
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
