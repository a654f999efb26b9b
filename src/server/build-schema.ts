import type { GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { HealthResolver } from '../modules/monitoring/index.js';

/**
 * Every resolver class in the API, in one list (append new slices' resolvers here).
 * Instances come from the container built by the composition root (start-api.ts).
 */
export const RESOLVERS: readonly Function[] = [HealthResolver];

/** Builds the executable schema; `instances` maps each resolver class to its constructed instance. */
export async function buildAppSchema(instances: ReadonlyMap<Function, object>, resolvers: readonly Function[] = RESOLVERS): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolvers as [Function, ...Function[]],
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    container: {
      get: (cls: Function) => {
        const instance = instances.get(cls);
        if (!instance) throw new TypeError(`no instance registered for resolver ${cls.name}`);
        return instance;
      },
    },
  });
}
