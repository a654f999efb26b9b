import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { RequestContext } from './context.js';

/** What a guard sees of an operation after parsing and validation, before execution. */
export interface OperationInfo {
  readonly ctx: RequestContext;
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * A check run before execution, on HTTP and WebSocket alike, in the order the composition root
 * lists them (authentication, then complexity, then rate limiting). Reject by throwing an AppError.
 */
export type OperationGuard = (info: OperationInfo) => Promise<void> | void;

/** Names of the root fields an operation selects (fragments on the root type included). */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const names = new Set<string>();
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  const walk = (selections: OperationDefinitionNode['selectionSet']['selections']): void => {
    for (const sel of selections) {
      if (sel.kind === 'Field') names.add(sel.name.value);
      else if (sel.kind === 'InlineFragment') walk(sel.selectionSet.selections);
      else if (sel.kind === 'FragmentSpread' && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = fragments.get(sel.name.value);
        if (frag) walk(frag.selectionSet.selections);
      }
    }
  };
  walk(operation.selectionSet.selections);
  return [...names];
}
