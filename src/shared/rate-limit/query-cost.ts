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

/** Points an operation costs before list scaling (GitHub's secondary-limit weights). */
export const BASE_COST = Object.freeze({ query: 1, mutation: 5, subscription: 1 });

/** Root fields that are free and never limited: health and introspection. */
export const FREE_ROOT_FIELDS: ReadonlySet<string> = new Set(['health', '__schema', '__type', '__typename']);

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
 */
export function analyzeQuery(options: AnalyzeQueryOptions): QueryAnalysis {
  const { schema, document, operation, variables } = options;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variableDefaults = new Map<string, unknown>();
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));

  let maxDepth = 0;
  let onlyFree = true;

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

  const weigh = (
    parent: GraphQLNamedType,
    selectionSet: SelectionSetNode,
    depth: number,
    visiting: Set<string>,
  ): number => {
    let total = 0;
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || visiting.has(frag.name.value)) continue;
        const type = schema.getType(frag.typeCondition.name.value) ?? parent;
        visiting.add(frag.name.value);
        total += weigh(type, frag.selectionSet, depth, visiting);
        visiting.delete(frag.name.value);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
        total += weigh(type, sel.selectionSet, depth, visiting);
        continue;
      }
      const name = sel.name.value;
      if (depth === 1 && !FREE_ROOT_FIELDS.has(name)) onlyFree = false;
      if (INTROSPECTION.has(name) || name === '__typename') continue;
      maxDepth = Math.max(maxDepth, depth);
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (!field) continue;
      const named = getNamedType(field.type);
      const childWeight = sel.selectionSet ? weigh(named, sel.selectionSet, depth + 1, visiting) : 0;
      const nullable = getNullableType(field.type);
      const size = pageSize(field, sel.arguments);
      const isConnection =
        isObjectType(named) && size !== null && ('edges' in named.getFields() || 'nodes' in named.getFields());
      if (isListType(nullable) || isConnection) {
        const factor = size === null ? 1 : Math.max(1, Math.ceil(size / 100));
        total += factor * Math.max(1, childWeight);
      } else if (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) {
        total += childWeight;
      }
    }
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { cost: 0, depth: 0 };
  const weight = weigh(root, operation.selectionSet, 1, new Set());
  const cost = onlyFree ? 0 : Math.min(BASE_COST[operation.operation] * Math.max(1, weight), Number.MAX_SAFE_INTEGER);
  return { cost, depth: maxDepth };
}

type SelectionFieldArgs = Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>['arguments'];
