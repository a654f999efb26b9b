import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ERROR_CODES, isAppError, type ErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

// Apollo's own codes for requests that never reached a resolver: their messages are safe to show.
const APOLLO_REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The single place errors become client-visible: AppErrors keep their code, message and safe extensions;
 * Apollo request errors become BAD_USER_INPUT; anything else is logged and masked as INTERNAL_SERVER_ERROR.
 */
export function createFormatError(options: { logger: Logger; exposeDetails: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (isAppError(original)) {
      return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === 'string' &&
      (ERROR_CODES as readonly string[]).includes(code) &&
      code !== 'INTERNAL_SERVER_ERROR'
    ) {
      const { stacktrace: _s, http: _h, ...rest } = formatted.extensions ?? {};
      return { ...base, message: formatted.message, extensions: { ...rest, code: code as ErrorCode } };
    }
    if (typeof code === 'string' && APOLLO_REQUEST_ERRORS.has(code)) {
      return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } };
    }
    options.logger.error({ err: original, path: formatted.path }, 'unhandled error in GraphQL operation');
    return {
      ...base,
      message:
        options.exposeDetails && original instanceof Error
          ? `Internal server error: ${original.message}`
          : 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode },
    };
  };
}
