/**
 * Every field resolver declares its weight once, with type-graphql's `complexity` option, so the cost model
 * (src/shared/rate-limit/query-cost.ts) charges it: a new field resolver without one fails here.
 */
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import '../../src/modules/auth/index.js';
import '../../src/modules/monitoring/index.js';
import '../../src/modules/resources/index.js';
import '../../src/modules/usage/index.js';
import { FIELD_WEIGHT } from '../../src/shared/rate-limit/index.js';

describe('declared field weights', () => {
  const resolvers = getMetadataStorage().fieldResolvers;

  it('finds the field resolvers', () => {
    expect(resolvers.length).toBeGreaterThanOrEqual(7);
  });

  it.each(resolvers.map((r) => [`${r.target.name}.${r.methodName}`, r.complexity] as const))(
    '%s declares a numeric complexity',
    (_name, complexity) => {
      expect(typeof complexity).toBe('number');
    },
  );

  it('heavy fields carry their documented weights', () => {
    const weight = (method: string) => resolvers.find((r) => r.methodName === method)?.complexity;
    expect(weight('content')).toBe(FIELD_WEIGHT.FULL_TEXT);
    expect(weight('contentPreview')).toBe(FIELD_WEIGHT.RESOLVED);
    const search = getMetadataStorage().queries.find((q) => q.methodName === 'search');
    expect(search?.complexity).toBe(FIELD_WEIGHT.SEARCH);
  });
});
