import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../shared/context.js';
import { isAppError } from '../shared/errors.js';
import { toGraphQLError } from './to-graphql-error.js';

/**
 * When the server's limits stopped an HTTP operation (deadline, response cap), the answer is that one
 * error with `data: null`, instead of partial data and an error per field that was still to run; the
 * guard plugin (listed after this one) then maps its code onto the HTTP status.
 */
export function operationLimitsPlugin(
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const { signal, logger } = rc.contextValue;
          if (!signal.aborted || !isAppError(signal.reason)) return;
          // The end of a stopped operation, in the log: what stopped it and that nothing of it runs on.
          logger.info(
            { code: signal.reason.code, limit: signal.reason.extensions.limit ?? 'CANCELLED' },
            'operation stopped',
          );
          if (rc.response.body.kind !== 'single') return;
          const error = toGraphQLError(signal.reason);
          rc.response.body.singleResult = { data: null, errors: [formatError(error.toJSON(), error)] };
        },
      };
    },
  };
}
