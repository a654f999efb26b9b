/** The closed set of error codes a client can ever see (DESIGN.md §3). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'REFRESH_TOKEN_REUSED',
  'OAUTH_STATE_INVALID',
  'OAUTH_PROVIDER_ERROR',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code; the one place this mapping lives. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  REFRESH_TOKEN_REUSED: 401,
  OAUTH_STATE_INVALID: 400,
  OAUTH_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
});

export interface AppErrorOptions {
  /** Extra fields safe to show the client (merged into `extensions`), e.g. `{ field: 'url' }` or `{ retryAfter: 3 }`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Internal details for logs only; never sent to a client. */
  readonly internal?: unknown;
  readonly cause?: unknown;
}

/**
 * An error meant for a client: a stable `code`, a safe `message`, optional safe `extensions`
 * and internal details that stay in logs. Everything else thrown is masked as INTERNAL_SERVER_ERROR.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly internal: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.extensions = options.extensions ?? {};
    this.internal = options.internal;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

/** True when `value` is an AppError (also across module copies). */
export function isAppError(value: unknown): value is AppError {
  return (
    value instanceof AppError ||
    (value instanceof Error &&
      value.name === 'AppError' &&
      typeof (value as AppError).code === 'string' &&
      (ERROR_CODES as readonly string[]).includes((value as AppError).code))
  );
}

export const notFound = (what = 'Resource'): AppError => new AppError('NOT_FOUND', `${what} not found`);
export const badInput = (field: string, message: string): AppError =>
  new AppError('BAD_USER_INPUT', message, { extensions: { field } });
export const unauthenticated = (message = 'Authentication required'): AppError =>
  new AppError('UNAUTHENTICATED', message);

/** Seconds a client is told to wait (`Retry-After`, `extensions.retryAfter`) when a dependency is down. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * SERVICE_UNAVAILABLE for a dependency that is down (database, queue, Redis), with `extensions.retryAfter`
 * (seconds) that the HTTP mapping also sends as `Retry-After`. `internal` stays in logs.
 */
export const serviceUnavailable = (
  message = 'The service is temporarily unavailable; please retry shortly',
  options: { internal?: unknown; retryAfterSeconds?: number } = {},
): AppError =>
  new AppError('SERVICE_UNAVAILABLE', message, {
    extensions: { retryAfter: options.retryAfterSeconds ?? SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS },
    internal: options.internal,
  });
