import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { AppError } from '../errors.js';

/** Least points a charged operation costs (GitHub's secondary-limit weights), and the weight of each root field. */
export const BASE_COST = Object.freeze({ query: 1, mutation: 5, subscription: 1 });

/** Objects per point: an operation costs at least `ceil(nodes / NODES_PER_POINT)` (GitHub's rule). */
export const NODES_PER_POINT = 100;

/**
 * Named weights for the `complexity` option of resolver decorators (points per page of up to 100 calls), so each
 * field's one declaration says why it weighs what it does.
 */
export const FIELD_WEIGHT = Object.freeze({
  /** A field resolver: one batched loader call per page of parents. */
  RESOLVED: 1,
  /** Full stored text (up to 5 MB per resource, priced for a large one; MAX_RESPONSE_BYTES bounds the rest). */
  FULL_TEXT: 10,
  /** A keyword/semantic search: full-text query plus embedding and vector scoring (one HYBRID search used 0.9 CPU-s). */
  SEARCH: 10,
});

/**
 * Root fields free on their own: introspection. Slices add theirs (`freeOperations`, e.g. `health`). An operation
 * is free only when it executes a single such field (`__typename` aside); aliases and repeats are charged.
 */
export const FREE_ROOT_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type', '__typename']);

/**
 * Weights of the built-in introspection fields, which no decorator can declare: the whole `__schema` is
 * walked by graphql-js (hundreds of objects), `__type` is one type.
 */
export const INTROSPECTION_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  __schema: 10,
  __type: 1,
  __typename: 0,
});

/**
 * Most selections an operation may expand to once every fragment spread is inlined (counted arithmetically):
 * bounds the analysis and refuses fragment fan-out bombs (`...F1 ...F1` nested n times) with QUERY_TOO_COMPLEX.
 */
export const MAX_EXPANDED_SELECTIONS = 10_000;

const PAGE_SIZE_ARGS = ['first', 'last', 'limit'] as const;

export interface QueryAnalysis {
  /** Points to charge; 0 when the operation executes one free root field only (health, introspection). */
  readonly cost: number;
  /** Deepest field nesting (a root field is depth 1; introspection subtrees are not counted). */
  readonly depth: number;
  /** Most objects the operation can return: page sizes multiplied through nesting, siblings and aliases added. */
  readonly nodes: number;
  /** Aliased field selections, fragments expanded. */
  readonly aliases: number;
}

export interface AnalyzeQueryOptions {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Root fields beyond introspection that are free on their own (the modules' `freeOperations`). */
  readonly freeRootFields?: ReadonlySet<string>;
}

/**
 * The declared weight of a field, in points per page of up to 100 calls: type-graphql's `complexity` option
 * (`@Field`, `@FieldResolver`, `@Query`, `@Mutation`), read back from the field's extensions.
 * @returns undefined when the field declares none.
 */
export function declaredWeight(field: GraphQLField<unknown, unknown>): number | undefined {
  const complexity = (field.extensions as { complexity?: unknown } | undefined)?.complexity;
  return typeof complexity === 'number' && Number.isFinite(complexity) && complexity >= 0 ? complexity : undefined;
}

/**
 * Static price of a validated operation, before execution (docs/rate-limiting.md, "What an operation costs").
 *
 * - A field is *paged* when it has a page-size argument (`first`/`last`/`limit`: argument, variable, variable
 *   default or schema default) and returns a list or a connection (an object with `edges`/`nodes`). It returns
 *   `calls × pageSize` objects, and everything below it runs that many times more.
 * - `nodes` = the objects all paged fields return together (siblings and aliases add, nesting multiplies).
 * - `work` = Σ over every selected field occurrence (aliases and fragment copies each count) of
 *   `weight × ceil(calls / 100)`, where `calls` is the product of the enclosing page sizes (1 at the root) and
 *   `weight` is the field's declared `complexity`, else 1 for a root query/subscription field and 5 for a root
 *   mutation field, else 0 (a plain property). Per-request loaders batch a field resolver's calls, hence pages.
 * - `cost = max(base, ceil(nodes / 100), work)`, base 1 (query, subscription) or 5 (mutation); 0 when the
 *   operation executes a single free root field (`__typename` aside) and nothing else.
 *
 * Runs in time linear in the expanded size, which is bounded: throws AppError QUERY_TOO_COMPLEX
 * (`extensions: { maxSelections }`) when the operation expands to more than MAX_EXPANDED_SELECTIONS selections.
 */
export function analyzeQuery(options: AnalyzeQueryOptions): QueryAnalysis {
  const freeRootFields = options.freeRootFields ?? new Set<string>();
  const { schema, document, operation } = options;
  // Own properties only: a variable named `constructor` or `__proto__` must not read Object.prototype
  // (it did, and priced every list it sized as unpaged).
  const variables: Readonly<Record<string, unknown>> = Object.assign(Object.create(null), options.variables);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variableDefaults = new Map<string, unknown>();
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
  const rootWeight = BASE_COST[operation.operation];

  const pageSize = (field: GraphQLField<unknown, unknown>, args: SelectionFieldArgs): number | null => {
    for (const name of PAGE_SIZE_ARGS) {
      const def = field.args.find((a) => a.name === name);
      if (!def) continue;
      const node = args?.find((a) => a.name.value === name);
      let value: unknown = def.defaultValue;
      if (node) {
        value =
          node.value.kind === Kind.VARIABLE
            ? (variables[node.value.name.value] ?? variableDefaults.get(node.value.name.value) ?? def.defaultValue)
            : valueFromASTUntyped(node.value, variables as Record<string, unknown>);
      }
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
    }
    return null;
  };

  /** What one selection set contributes where it sits (absolute for its `calls`, so a summary is reusable). */
  interface Summary {
    readonly nodes: number;
    readonly work: number;
    readonly aliases: number;
    /** Deepest field nesting below and including this level (a field at this level counts 1; 0 if none counts). */
    readonly depth: number;
    /** Whether a field at this level is not free (only meaningful for the root selection set). */
    readonly paid: boolean;
    /** Field executions at this level, `__typename` aside (only meaningful for the root selection set). */
    readonly executions: number;
    /** Selections after expanding every fragment spread (counted arithmetically, never by walking the expansion). */
    readonly selections: number;
  }
  // A fragment's summary depends only on its type condition and on how many times it runs, so each
  // (fragment, type, calls) is walked once: a document spreading fragments 2^n times is still analysed fast,
  // and every walk adds at least one selection to a total bounded by MAX_EXPANDED_SELECTIONS.
  const fragmentSummaries = new Map<string, Summary>();
  const tooComplex = (): AppError =>
    new AppError(
      'QUERY_TOO_COMPLEX',
      `Query expands to more than ${MAX_EXPANDED_SELECTIONS} selections once fragments are spread`,
      { extensions: { maxSelections: MAX_EXPANDED_SELECTIONS } },
    );
  const pages = (calls: number): number => Math.ceil(calls / NODES_PER_POINT);

  const weigh = (
    parent: GraphQLNamedType,
    selectionSet: SelectionSetNode,
    calls: number,
    atRoot: boolean,
    visiting: Set<string>,
  ): Summary => {
    let nodes = 0;
    let work = 0;
    let aliases = 0;
    let depth = 0;
    let paid = false;
    let executions = 0;
    let selections = 0;
    const add = (part: Summary, depthOffset: number): void => {
      nodes += part.nodes;
      work += part.work;
      aliases += part.aliases;
      if (part.depth > 0) depth = Math.max(depth, part.depth + depthOffset);
      selections += part.selections;
      if (selections > MAX_EXPANDED_SELECTIONS) throw tooComplex();
    };
    for (const sel of selectionSet.selections) {
      selections += 1;
      if (selections > MAX_EXPANDED_SELECTIONS) throw tooComplex();
      if (sel.kind === Kind.FRAGMENT_SPREAD || sel.kind === Kind.INLINE_FRAGMENT) {
        let part: Summary | undefined;
        if (sel.kind === Kind.FRAGMENT_SPREAD) {
          const frag = fragments.get(sel.name.value);
          if (!frag || visiting.has(frag.name.value)) continue;
          const type = schema.getType(frag.typeCondition.name.value) ?? parent;
          const key = `${frag.name.value}\0${type.name}\0${calls}\0${atRoot}`;
          part = fragmentSummaries.get(key);
          if (!part) {
            visiting.add(frag.name.value);
            part = weigh(type, frag.selectionSet, calls, atRoot, visiting);
            visiting.delete(frag.name.value);
            fragmentSummaries.set(key, part);
          }
        } else {
          const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
          part = weigh(type, sel.selectionSet, calls, atRoot, visiting);
        }
        add(part, 0);
        paid ||= part.paid;
        executions += part.executions;
        continue;
      }
      const name = sel.name.value;
      if (sel.alias) aliases += 1;
      if (name !== '__typename') executions += 1;
      if (atRoot && !FREE_ROOT_FIELDS.has(name) && !freeRootFields.has(name)) paid = true;
      const introspectionWeight = INTROSPECTION_WEIGHTS[name];
      if (introspectionWeight !== undefined) {
        // Introspection subtrees are graphql-js's own, priced as a whole by the table above.
        work += introspectionWeight * pages(calls);
        continue;
      }
      depth = Math.max(depth, 1);
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (!field) continue;
      work += (declaredWeight(field) ?? (atRoot ? rootWeight : 0)) * pages(calls);
      const named = getNamedType(field.type);
      const size = pageSize(field, sel.arguments);
      const isConnection =
        isObjectType(named) && size !== null && ('edges' in named.getFields() || 'nodes' in named.getFields());
      const paged = size !== null && (isListType(getNullableType(field.type)) || isConnection);
      const childCalls = paged ? calls * size : calls;
      if (paged) nodes += childCalls;
      if (sel.selectionSet) add(weigh(named, sel.selectionSet, childCalls, false, visiting), 1);
    }
    const cap = (n: number): number => Math.min(n, Number.MAX_SAFE_INTEGER);
    return { nodes: cap(nodes), work: cap(work), aliases, depth, paid, executions, selections };
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { cost: 0, depth: 0, nodes: 0, aliases: 0 };
  const { nodes, work, aliases, depth, paid, executions } = weigh(root, operation.selectionSet, 1, true, new Set());
  const free = !paid && executions <= 1;
  const cost = free
    ? 0
    : Math.min(Math.max(BASE_COST[operation.operation], pages(nodes), work), Number.MAX_SAFE_INTEGER);
  return { cost, depth, nodes, aliases };
}

type SelectionFieldArgs = Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>['arguments'];
