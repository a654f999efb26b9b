import { isDatabaseUnavailable } from '../../shared/database/database-errors.js';

/**
 * A stage failure that retrying cannot fix (404, oversize body, private address, too little text…).
 * `message` is written for the user: it is shown in `resourceProgress.error`.
 */
export class PermanentStageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentStageError';
  }
}

/**
 * A failure worth retrying (HTTP 5xx/429/408 from the source, a timeout). `message` is user-readable
 * and becomes the stage error if every retry fails.
 */
export class TransientStageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStageError';
  }
}

/** The resource row disappeared while processing (deleted): stop without an error. */
export class ResourceGoneError extends Error {
  constructor(resourceId: string) {
    super(`resource ${resourceId} no longer exists`);
    this.name = 'ResourceGoneError';
  }
}

/** Network, database and Redis codes that mean "try again later". */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // Prisma: can't reach / timed out / pool timeout / transaction conflict or deadlock.
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2034',
  // PostgreSQL: serialization failure, deadlock, admin shutdown, cannot connect now.
  '40001',
  '40P01',
  '57P01',
  '57P03',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'NR_CLOSED',
  'CONNECTION_BROKEN',
]);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const c = current as {
      code?: unknown;
      kind?: unknown;
      cause?: unknown;
      name?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } };
    };
    if (typeof c.code === 'string') codes.push(c.code);
    // A DriverAdapterError's own cause carries `kind` directly.
    if (typeof c.kind === 'string') codes.push(c.kind);
    const adapter = c.meta?.driverAdapterError?.cause;
    if (adapter && typeof adapter.originalCode === 'string') codes.push(adapter.originalCode);
    if (adapter && typeof adapter.kind === 'string') codes.push(adapter.kind);
    current = c.cause;
  }
  return codes;
}

/** Driver-adapter error kinds (`DriverAdapterError.cause.kind`) of a connection that is gone or busy. */
const TRANSIENT_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/**
 * True when `err` is worth a retry: TransientStageError, a timeout, a network/database/Redis blip code,
 * or a database outage as the shared classifier sees it (Prisma P1001/P1017…, driver-adapter kinds,
 * and the raw `pg` errors "Connection terminated unexpectedly" / "Client has encountered a connection
 * error", which carry no code at all).
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof TransientStageError) return true;
  if (err instanceof PermanentStageError || err instanceof ResourceGoneError) return false;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'PrismaClientInitializationError'))
    return true;
  if (codesOf(err).some((code) => TRANSIENT_CODES.has(code) || /^08/.test(code) || TRANSIENT_ADAPTER_KINDS.has(code)))
    return true;
  return isDatabaseUnavailable(err);
}

/**
 * True when `err` says a service every stage depends on is down (the database unreachable, restarting or
 * out of connections), as opposed to a problem with this resource or its source: such a failure is
 * retried in place for PipelineSettings.transientRetryWindowMs, long enough to outlast a restart.
 */
export function isOutageError(err: unknown): boolean {
  if (err instanceof TransientStageError || err instanceof PermanentStageError || err instanceof ResourceGoneError)
    return false;
  return isDatabaseUnavailable(err) || codesOf(err).some((code) => TRANSIENT_ADAPTER_KINDS.has(code));
}

/** What a user sees for a failed stage: our own message for stage errors, a generic one otherwise (details stay in logs). */
export function userMessage(err: unknown, stageLabel: string): string {
  if (err instanceof PermanentStageError || err instanceof TransientStageError) return err.message;
  if (isTransientError(err))
    return `A temporary problem (${codesOf(err)[0] ?? (isDatabaseUnavailable(err) ? 'database unavailable' : 'timeout')}) kept ${stageLabel} from finishing after several attempts`;
  return `An internal error stopped ${stageLabel}`;
}
