import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { analyzeQuery } from './query-cost.js';

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
  return analyzeQuery({ schema, document, operation, variables });
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
    ['health with a paid field costs the paid field', '{ health { status } me { id } }', 1],
    ['a connection at the default page size (25)', '{ resources { edges { node { id } } } }', 1],
    ['first: 100 is still one page', '{ resources(first: 100) { nodes { id } } }', 1],
    ['first: 101 rounds up to 2', '{ resources(first: 101) { nodes { id } } }', 2],
    ['first: 500', '{ resources(first: 500) { totalCount nodes { id } } }', 5],
    ['a list with limit', '{ search(query: "x", limit: 300) { score } }', 3],
    ['nested lists multiply', '{ resources(first: 200) { nodes { related(limit: 300) { id } } } }', 6],
    [
      'three levels multiply',
      '{ resources(first: 200) { nodes { related(limit: 300) { related(limit: 1000) { id } } } } }',
      60,
    ],
    ['siblings add', '{ a: resources(first: 200) { nodes { id } } b: search(query: "x", limit: 300) { score } }', 5],
    ['a nested connection without first counts as one page', '{ resource(id: "1") { chunks { nodes { id } } } }', 1],
    [
      'fragments are expanded',
      'query { resources(first: 300) { ...C } } fragment C on ResourceConnection { nodes { related(limit: 200) { id } } }',
      6,
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

  it('multiplies a mutation by its lists', () => {
    const schemaWithList = buildSchema('type Query { x: Int } type Mutation { bulk(limit: Int): [Int!]! }');
    const document = parse('mutation { bulk(limit: 250) }');
    const operation = getOperationAST(document)!;
    expect(analyzeQuery({ schema: schemaWithList, document, operation, variables: {} }).cost).toBe(15);
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
});
