import { buildSchema, getOperationAST, parse, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { analyzeQuery, MAX_EXPANDED_SELECTIONS } from './query-cost.js';

// The shape of the public contract (DESIGN.md §3) plus a nested list, enough to exercise every rule.
const schema = buildSchema(`
  type Query {
    me: User!
    resource(id: ID!): Resource
    resources(first: Int = 25, after: String): ResourceConnection!
    search(query: String!, limit: Int = 10): [SearchHit!]!
    rateLimitStatus: RateLimitStatus!
    health: Health!
  }
  type Mutation { createResource(url: String!): Resource!  login(email: String!, password: String!): AuthPayload! }
  type Subscription { resourceProgress(id: ID!): Progress! }
  type User { id: ID! email: String! }
  type AuthPayload { accessToken: String! user: User! }
  type Health { status: String! }
  type RateLimitStatus { cost: Int! windows: [Window!]! }
  type Window { window: String! used: Int! }
  type Progress { percent: Float! stages: [Stage!]! }
  type Stage { stage: String! }
  type ResourceConnection { edges: [ResourceEdge!]! nodes: [Resource!]! pageInfo: PageInfo! totalCount: Int! }
  type ResourceEdge { cursor: String! node: Resource! }
  type PageInfo { hasNextPage: Boolean! }
  type Resource { id: ID! title: String! related(limit: Int = 5): [Resource!]! chunks(first: Int): ChunkConnection! }
  type ChunkConnection { nodes: [Chunk!]! }
  type Chunk { id: ID! text: String! }
  type SearchHit { score: Float! resource: Resource! }
`);

function analyze(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return analyzeQuery({ schema, document, operation, variables, freeRootFields: new Set(['health']) });
}

describe('query cost', () => {
  it.each([
    ['health only (free)', '{ health { status } }', 0],
    [
      'introspection only (free)',
      '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }',
      0,
    ],
    ['__typename only (free)', '{ __typename }', 0],
    ['a plain query', '{ me { id email } }', 1],
    ['health beside a paid field is charged like any root field', '{ health { status } me { id } }', 2],
    ['aliased health is charged', '{ a: health { status } b: health { status } }', 2],
    [
      'two introspection fields are charged (10 for __schema, 1 for __type)',
      '{ __schema { queryType { name } } __type(name: "User") { name } }',
      11,
    ],
    ['a single aliased health is still one execution (free)', '{ h: health { status } }', 0],
    ['__typename beside health stays free', '{ __typename health { status } }', 0],
    ['a connection at the default page size (25)', '{ resources { edges { node { id } } } }', 1],
    ['first: 100 is still one page', '{ resources(first: 100) { nodes { id } } }', 1],
    ['first: 101 rounds up to 2', '{ resources(first: 101) { nodes { id } } }', 2],
    ['first: 500', '{ resources(first: 500) { totalCount nodes { id } } }', 5],
    ['a list with limit', '{ search(query: "x", limit: 300) { score } }', 3],
    // 200 + 200 × 300 = 60,200 nodes → 602 points (the old rule, 2 × 3 = 6, ignored what nesting returns).
    ['nested lists multiply', '{ resources(first: 200) { nodes { related(limit: 300) { id } } } }', 602],
    [
      'three levels multiply',
      '{ resources(first: 200) { nodes { related(limit: 300) { related(limit: 1000) { id } } } } }',
      600_602,
    ],
    ['siblings add', '{ a: resources(first: 200) { nodes { id } } b: search(query: "x", limit: 300) { score } }', 5],
    ['a nested connection without first counts as one page', '{ resource(id: "1") { chunks { nodes { id } } } }', 1],
    [
      'fragments are expanded',
      'query { resources(first: 300) { ...C } } fragment C on ResourceConnection { nodes { related(limit: 200) { id } } }',
      603,
    ],
    ['inline fragments are expanded', '{ resources(first: 300) { ... on ResourceConnection { nodes { id } } } }', 3],
    ['a mutation costs 5', 'mutation { createResource(url: "https://x") { id } }', 5],
    ['a public mutation costs 5', 'mutation { login(email: "a", password: "b") { accessToken user { id } } }', 5],
    ['a subscription costs like a query', 'subscription { resourceProgress(id: "1") { percent stages { stage } } }', 1],
    ['rateLimitStatus costs 1', '{ rateLimitStatus { cost windows { used } } }', 1],
  ])('%s', (_label, query, cost) => {
    expect(analyze(query).cost).toBe(cost);
  });

  it('resolves page sizes from variables, then variable defaults, then the schema default', () => {
    const q = 'query Q($n: Int = 400) { resources(first: $n) { nodes { id } } }';
    expect(analyze(q, { n: 900 }).cost).toBe(9);
    expect(analyze(q).cost).toBe(4);
    expect(analyze('query Q($n: Int) { resources(first: $n) { nodes { id } } }').cost).toBe(1);
  });

  it('charges a mutation at least 5 and at least its nodes', () => {
    const schemaWithList = buildSchema('type Query { x: Int } type Mutation { bulk(limit: Int): [Int!]! }');
    const document = parse('mutation { bulk(limit: 250) }');
    const operation = getOperationAST(document)!;
    // 250 nodes → 3 points, below the mutation's 5.
    expect(analyzeQuery({ schema: schemaWithList, document, operation, variables: {} }).cost).toBe(5);
    const big = parse('mutation { bulk(limit: 2500) }');
    expect(
      analyzeQuery({ schema: schemaWithList, document: big, operation: getOperationAST(big)!, variables: {} }).cost,
    ).toBe(25);
  });

  it.each([
    ['{ health { status } }', 2],
    ['{ me { id } }', 2],
    ['{ resources { edges { node { id } } } }', 4],
    ['{ resources(first: 1) { nodes { related { related { related { id } } } } } }', 6],
    ['query { resources { ...C } } fragment C on ResourceConnection { nodes { id } }', 3],
    ['{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }', 0],
  ])('depth of %s is %i', (query, depth) => {
    expect(analyze(query).depth).toBe(depth);
  });

  describe('fragment fan-out', () => {
    /** `query { ...F0 }`, each F<i> spreading F<i+1> twice, the last selecting `leaf`: 2^n copies of it. */
    const fanOut = (n: number, type: string, leaf: string, root = 'query { ...F0 }'): string => {
      const parts = [root];
      for (let i = 0; i < n; i++) parts.push(`fragment F${i} on ${type} { ...F${i + 1} ...F${i + 1} }`);
      parts.push(`fragment F${n} on ${type} { ${leaf} }`);
      return parts.join('\n');
    };
    const timed = <T>(run: () => T): { result: T | AppError; ms: number } => {
      const started = performance.now();
      let result: T | AppError;
      try {
        result = run();
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        result = err;
      }
      return { result, ms: performance.now() - started };
    };

    it('refuses a 2^30 fan-out of health fast instead of walking it', () => {
      const { result, ms } = timed(() => analyze(fanOut(30, 'Query', 'health { status }')));
      expect(ms).toBeLessThan(200);
      expect(result).toBeInstanceOf(AppError);
      expect((result as AppError).code).toBe('QUERY_TOO_COMPLEX');
      expect((result as AppError).extensions).toEqual({ maxSelections: MAX_EXPANDED_SELECTIONS });
    });

    it('refuses a 2^30 fan-out of a costed connection fast', () => {
      const { result, ms } = timed(() =>
        analyze(fanOut(30, 'Query', 'resources(first: 100) { edges { node { id } } }')),
      );
      expect(ms).toBeLessThan(200);
      expect((result as AppError).code).toBe('QUERY_TOO_COMPLEX');
    });

    it('costs a small fan-out exactly as its expansion (siblings add)', () => {
      // 2^5 = 32 copies of a 100-node connection: 3,200 nodes, 32 root fields → 32 points;
      // 2^6 copies of first: 250: 16,000 nodes → 160 points.
      expect(analyze(fanOut(5, 'Query', 'resources(first: 100) { edges { node { id } } }'))).toEqual({
        cost: 32,
        depth: 4,
        nodes: 3200,
        aliases: 0,
      });
      expect(analyze(fanOut(6, 'Query', 'resources(first: 250) { nodes { id } }')).cost).toBe(160);
      // Nested under a list the fan-out multiplies: 300 + 2^4 copies × 300 × 200 nodes.
      const nested = fanOut(
        4,
        'Resource',
        'related(limit: 200) { id }',
        '{ resources(first: 300) { nodes { ...F0 } } }',
      );
      expect(analyze(nested)).toMatchObject({ nodes: 300 + 16 * 300 * 200, cost: 9603, depth: 4 });
      // Repeats of a free field are charged: 32 executions of health.
      expect(analyze(fanOut(5, 'Query', 'health { status }')).cost).toBe(32);
    });

    it('counts the expansion arithmetically: just under the budget passes, just over is refused', () => {
      // 2^k copies of `search { score }` (2 selections) plus 2^(k+1) - 1 spreads: k = 11 → 8,191; k = 12 → 16,383.
      const leaf = 'search(query: "x") { score }';
      expect(analyze(fanOut(11, 'Query', leaf)).cost).toBe(2048);
      expect(() => analyze(fanOut(12, 'Query', leaf))).toThrow(/more than 10000 selections/);
    });

    it('reuses a fragment across different depths and keeps depth relative', () => {
      const q =
        'query { me { ...U } resource(id: "1") { related { related { ...R } } } } ' +
        'fragment U on User { id } fragment R on Resource { id chunks { nodes { id } } }';
      expect(analyze(q).depth).toBe(6);
    });
  });
  describe('nodes', () => {
    it.each([
      ['a plain object field returns no paged objects', '{ me { id } resource(id: "1") { id } }', 0],
      ['a connection at its default page size', '{ resources { edges { node { id } } } }', 25],
      ['variables give the page size', '{ resources(first: 7) { nodes { id } } }', 7],
      [
        'siblings and aliases add',
        '{ a: resources(first: 10) { nodes { id } } b: resources(first: 20) { nodes { id } } }',
        30,
      ],
      [
        "the issue's nested query: 100 + 100×50 + 100×50² + 100×50³",
        '{ resources(first: 100) { edges { node { related(limit: 50) { related(limit: 50) { related(limit: 50) { id title } } } } } } }',
        100 + 5_000 + 250_000 + 12_500_000,
      ],
      ['a list without a page size counts nothing itself', '{ rateLimitStatus { windows { used } } }', 0],
    ])('%s', (_label, query, nodes) => {
      expect(analyze(query).nodes).toBe(nodes);
    });

    it('costs at least ceil(nodes / 100)', () => {
      expect(analyze('{ resources(first: 100) { nodes { related(limit: 50) { id } } } }')).toMatchObject({
        nodes: 5_100,
        cost: 51,
      });
    });
  });

  describe('aliases and declared weights', () => {
    const weighted = buildSchema(`
      type Query { resource(id: ID!): Doc  docs(first: Int = 10): [Doc!]!  search(q: String!): [Doc!]! }
      type Doc { id: ID! content: String! preview: String! }
    `);
    const fields = weighted.getType('Doc') as GraphQLObjectType;
    fields.getFields().content!.extensions = { complexity: 10 };
    fields.getFields().preview!.extensions = { complexity: 1 };
    weighted.getQueryType()!.getFields().search!.extensions = { complexity: 10 };
    const run = (query: string) => {
      const document = parse(query);
      return analyzeQuery({ schema: weighted, document, operation: getOperationAST(document)!, variables: {} });
    };

    it('reads the complexity extension and charges it per page of 100 calls', () => {
      expect(run('{ resource(id: "1") { content } }').cost).toBe(11);
      expect(run('{ resource(id: "1") { preview } }').cost).toBe(2);
      expect(run('{ docs(first: 100) { content } }').cost).toBe(11);
      expect(run('{ docs(first: 101) { content } }').cost).toBe(21);
      expect(run('{ search(q: "x") { id } }').cost).toBe(10);
    });

    it('counts every alias: 100 aliases of resource(id) { content } cost 1,100', () => {
      const aliased = Array.from({ length: 100 }, (_, i) => `r${i}: resource(id: "1") { content }`).join(' ');
      expect(run(`{ ${aliased} }`)).toMatchObject({ cost: 1_100, aliases: 100, nodes: 0 });
    });

    it('counts aliases inside fragments once per expansion', () => {
      expect(
        run('{ ...F ...G } fragment F on Query { a: docs { id } } fragment G on Query { ...F b: docs { id } }').aliases,
      ).toBe(3);
    });
  });
});
