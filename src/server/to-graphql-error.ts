import { GraphQLError } from 'graphql';
import { isAppError } from '../shared/errors.js';

/**
 * The one AppError → GraphQLError conversion, for transports that must hand graphql-js a GraphQLError
 * (operation guards on HTTP and WebSocket): the code and safe extensions travel in `extensions`, and
 * format-error.ts still decides what the client finally sees. Anything else becomes a masked
 * INTERNAL_SERVER_ERROR that keeps the original for logging.
 */
export function toGraphQLError(err: unknown): GraphQLError {
  if (isAppError(err))
    return new GraphQLError(err.message, { originalError: err, extensions: { ...err.extensions, code: err.code } });
  return new GraphQLError('Internal server error', {
    ...(err instanceof Error ? { originalError: err } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
