import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from '../shared/database/database-errors.js';
import {
  ERROR_CODES,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  isAppError,
  type AppError,
  type ErrorCode,
} from '../shared/errors.js';
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
 * Apollo request errors become BAD_USER_INPUT; a database outage (see isDatabaseUnavailable) becomes
 * SERVICE_UNAVAILABLE with `retryAfter`; anything else is logged and masked as INTERNAL_SERVER_ERROR.
 * Used for HTTP and WebSocket alike; guard-plugin.ts maps the code onto the HTTP status.
 */
export function createFormatError(options: { logger: Logger; exposeDetails: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    const appError = findAppError(original);
    if (appError) {
      return { ...base, message: appError.message, extensions: { ...appError.extensions, code: appError.code } };
    }
    if (isDatabaseUnavailable(original)) {
      options.logger.warn(
        { err: errorSummary(original), path: formatted.path },
        'database unavailable: answered SERVICE_UNAVAILABLE',
      );
      return {
        ...base,
        message: 'The database is temporarily unavailable; please retry shortly',
        extensions: {
          code: 'SERVICE_UNAVAILABLE' satisfies ErrorCode,
          retryAfter: SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
        },
      };
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

/** The AppError `error` is or wraps (a GraphQLError's `originalError`, e.g. thrown by a guard or a context step). */
function findAppError(error: unknown): AppError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (isAppError(current)) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return null;
}

/** Name and code only: driver messages and fields can carry SQL, parameters or connection strings. */
function errorSummary(err: unknown): { name?: string; code?: string } {
  const e = err as { name?: unknown; code?: unknown };
  return {
    ...(typeof e?.name === 'string' ? { name: e.name } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}
