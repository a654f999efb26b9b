import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getVariableValues,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { RequestContext } from '../shared/context.js';

/** At most this many variable errors are reported for one operation (graphql-js's own default is 50). */
const MAX_VARIABLE_ERRORS = 20;

/**
 * The errors `variables` would raise when `operation` runs (unknown enum value, wrong type, missing
 * non-null), each with `extensions.code` BAD_USER_INPUT; empty when they coerce. With `hideSuggestions`
 * no message names a field, type or value the client did not send ("Did you mean …", OWASP GraphQL
 * cheat sheet), which execution alone would still print.
 */
export function variableErrors(options: {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly hideSuggestions: boolean;
}): GraphQLError[] {
  const result = getVariableValues(options.schema, options.operation.variableDefinitions ?? [], options.variables, {
    maxErrors: MAX_VARIABLE_ERRORS,
    hideSuggestions: options.hideSuggestions,
  });
  return (result.errors ?? []).map(
    (e) =>
      new GraphQLError(e.message, {
        nodes: e.nodes,
        originalError: e.originalError,
        extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
      }),
  );
}

/**
 * HTTP (production): refuses an operation whose variables do not coerce before Apollo executes it, with
 * the messages of variableErrors({ hideSuggestions: true }). Apollo's `hideSchemaDetailsFromClientErrors`
 * strips suggestions from validation errors only, not from the variable errors execution raises.
 * The guard plugin then maps BAD_USER_INPUT onto 400, as for Apollo's own variable errors.
 */
export function hideVariableSuggestionsPlugin(
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          const errors = variableErrors({
            schema: rc.schema,
            operation: rc.operation,
            variables: rc.request.variables ?? {},
            hideSuggestions: true,
          });
          if (errors.length === 0) return null;
          return {
            http: { headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { errors: errors.map((e) => formatError(e.toJSON(), e)) } },
          };
        },
      };
    },
  };
}
