import type { Express } from 'express';

/** A resolver class: type-graphql instantiates nothing, a module hands out its instances. */
export type ResolverClass = abstract new (...args: never[]) => object;

/**
 * What every slice's `createXModule(deps)` returns to the composition root, which loops over modules:
 * the schema is built from all `resolvers`, authentication skips `publicOperations`, rate limiting
 * never charges `freeOperations`, and `routes` are mounted before /graphql.
 */
export interface AppModule {
  /** Resolver class → its instance (the schema's container). */
  readonly resolvers: ReadonlyMap<ResolverClass, object>;
  /** Root fields anyone may call without a token. */
  readonly publicOperations: readonly string[];
  /** Root fields that cost nothing and are never rate-limited. */
  readonly freeOperations: readonly string[];
  /** HTTP routes of the slice (e.g. GET /monitoring/health). */
  readonly routes?: (app: Express) => void;
}
