import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  isUnionType,
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

/** Points an operation costs before list scaling (GitHub's secondary-limit weights). */
export const BASE_COST = Object.freeze({ query: 1, mutation: 5, subscription: 1 });

/** Root fields that are always free: introspection. Slices add theirs (`freeOperations`, e.g. `health`). */
export const FREE_ROOT_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type', '__typename']);

/**
 * Most selections an operation may expand to once every fragment spread is inlined (counted arithmetically):
 * bounds the analysis and refuses fragment fan-out bombs (`...F1 ...F1` nested n times) with QUERY_TOO_COMPLEX.
 */
export const MAX_EXPANDED_SELECTIONS = 10_000;

const PAGE_SIZE_ARGS = ['first', 'last', 'limit'] as const;
const INTROSPECTION = new Set(['__schema', '__type']);

export interface QueryAnalysis {
  /** Points to charge; 0 when every root field is free (health, introspection). */
  readonly cost: number;
  /** Deepest field nesting (a root field is depth 1; introspection subtrees are not counted). */
  readonly depth: number;
}

export interface AnalyzeQueryOptions {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Root fields beyond introspection that cost nothing (the modules' `freeOperations`). */
  readonly freeRootFields?: ReadonlySet<string>;
}

/**
 * Static cost and depth of a validated operation, before execution.
 *
 * `cost = base × max(1, weight(root selection))` where base is 1 (query, subscription) or 5 (mutation) and
 * - a list field (a GraphQL list after unwrapping non-null, or a connection: an object with `edges`/`nodes`
 *   and a page-size argument) weighs `factor × max(1, weight(its selection))`, with
 *   `factor = max(1, ceil(pageSize / 100))` from `first`/`last`/`limit` (argument, variable, or schema default);
 * - any other object field weighs `weight(its selection)`; scalars weigh 0;
 * - a selection weighs the sum of its fields (fragments expanded), so siblings add and nesting multiplies.
 * An operation selecting only free root fields costs 0.
 *
 * Runs in time linear in the document (each fragment is analysed once). Throws AppError QUERY_TOO_COMPLEX
 * (`extensions: { maxSelections }`) when the operation expands to more than MAX_EXPANDED_SELECTIONS selections.
 */
export function analyzeQuery(options: AnalyzeQueryOptions): QueryAnalysis {
  const freeRootFields = options.freeRootFields ?? new Set<string>();
  const { schema, document, operation, variables } = options;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variableDefaults = new Map<string, unknown>();
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));

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
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return null;
  };

  /** What one selection set contributes, relative to where it sits (so a fragment's summary is reusable). */
  interface Summary {
    /** Weight of the selection set (see above). */
    readonly weight: number;
    /** Deepest field nesting below and including this level (a field at this level counts 1; 0 if none counts). */
    readonly depth: number;
    /** Whether a field at this level is not a free root field (only meaningful for the root selection set). */
    readonly paid: boolean;
    /** Selections after expanding every fragment spread (counted arithmetically, never by walking the expansion). */
    readonly nodes: number;
  }
  // A fragment's summary does not depend on where it is spread (only on its type condition), so each one is
  // walked once per analysis: a document spreading fragments 2^n times is still analysed in linear time.
  const fragmentSummaries = new Map<string, Summary>();
  const tooComplex = (): AppError =>
    new AppError(
      'QUERY_TOO_COMPLEX',
      `Query expands to more than ${MAX_EXPANDED_SELECTIONS} selections once fragments are spread`,
      { extensions: { maxSelections: MAX_EXPANDED_SELECTIONS } },
    );

  const weigh = (parent: GraphQLNamedType, selectionSet: SelectionSetNode, visiting: Set<string>): Summary => {
    let weight = 0;
    let depth = 0;
    let paid = false;
    let nodes = 0;
    const add = (part: Summary, depthOffset: number): void => {
      weight += part.weight;
      if (part.depth > 0) depth = Math.max(depth, part.depth + depthOffset);
      nodes += part.nodes;
      if (nodes > MAX_EXPANDED_SELECTIONS) throw tooComplex();
    };
    for (const sel of selectionSet.selections) {
      nodes += 1;
      if (nodes > MAX_EXPANDED_SELECTIONS) throw tooComplex();
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || visiting.has(frag.name.value)) continue;
        const type = schema.getType(frag.typeCondition.name.value) ?? parent;
        const key = `${frag.name.value}\0${type.name}`;
        let part = fragmentSummaries.get(key);
        if (!part) {
          visiting.add(frag.name.value);
          part = weigh(type, frag.selectionSet, visiting);
          visiting.delete(frag.name.value);
          fragmentSummaries.set(key, part);
        }
        add(part, 0);
        paid ||= part.paid;
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
        const part = weigh(type, sel.selectionSet, visiting);
        add(part, 0);
        paid ||= part.paid;
        continue;
      }
      const name = sel.name.value;
      if (!FREE_ROOT_FIELDS.has(name) && !freeRootFields.has(name)) paid = true;
      if (INTROSPECTION.has(name) || name === '__typename') continue;
      depth = Math.max(depth, 1);
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (!field) continue;
      const named = getNamedType(field.type);
      let childWeight = 0;
      if (sel.selectionSet) {
        const child = weigh(named, sel.selectionSet, visiting);
        add({ ...child, weight: 0 }, 1);
        childWeight = child.weight;
      }
      const nullable = getNullableType(field.type);
      const size = pageSize(field, sel.arguments);
      const isConnection =
        isObjectType(named) && size !== null && ('edges' in named.getFields() || 'nodes' in named.getFields());
      if (isListType(nullable) || isConnection) {
        const factor = size === null ? 1 : Math.max(1, Math.ceil(size / 100));
        weight += factor * Math.max(1, childWeight);
      } else if (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) {
        weight += childWeight;
      }
    }
    return { weight: Math.min(weight, Number.MAX_SAFE_INTEGER), depth, paid, nodes };
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { cost: 0, depth: 0 };
  const { weight, depth, paid } = weigh(root, operation.selectionSet, new Set());
  const cost = paid ? Math.min(BASE_COST[operation.operation] * Math.max(1, weight), Number.MAX_SAFE_INTEGER) : 0;
  return { cost, depth };
}

type SelectionFieldArgs = Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>['arguments'];
