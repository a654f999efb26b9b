/**
 * Classifies errors from Prisma, its driver adapters and the raw drivers (`pg`, better-sqlite3) without
 * casts at every call site. Prisma errors are recognised by their class name (the two generated clients
 * and `@prisma/client/runtime` each bring their own class objects, so `instanceof` is unreliable).
 */

/** Prisma error codes that mean "the database is (momentarily) not there", not "the query is wrong". */
const UNAVAILABLE_PRISMA_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out (the SQLite adapter reports SQLITE_BUSY as this)
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
]);

/** Driver-adapter error kinds (`DriverAdapterError.cause.kind`) with the same meaning. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/**
 * PostgreSQL SQLSTATEs of an outage: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
 * cannot connect now: a restarting server), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** SQLite result codes of a locked database (another connection holds the write lock). */
const SQLITE_LOCKED_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/** Node socket error codes: `pg` surfaces these raw when a connection cannot be made or breaks. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * `pg` and `pg-pool` throw these as plain `Error`s with no code (pg/lib/client.js, pg-pool/index.js), and
 * `@prisma/adapter-pg` rethrows them untouched: the exact message is the only signal there is.
 */
const PG_CONNECTION_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
]);

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly errorCode?: unknown;
  readonly message?: unknown;
  readonly meta?: { readonly driverAdapterError?: unknown };
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

const asObject = (value: unknown): ErrorLike | null =>
  typeof value === 'object' && value !== null ? (value as ErrorLike) : null;

/**
 * The Prisma error code (`P1001`, `P2025`, …) of `err`: `code` of a PrismaClientKnownRequestError,
 * `errorCode` of a PrismaClientInitializationError; null for anything else.
 */
export function prismaErrorCode(err: unknown): string | null {
  const e = asObject(err);
  if (!e || typeof e.name !== 'string' || !e.name.startsWith('PrismaClient')) return null;
  if (typeof e.code === 'string') return e.code;
  if (typeof e.errorCode === 'string') return e.errorCode;
  return null;
}

/** True when `err` is a Prisma error with `code` (e.g. `isPrismaError(err, 'P2025')` for "record not found"). */
export function isPrismaError(err: unknown, code: string): boolean {
  return prismaErrorCode(err) === code;
}

/**
 * True when `err` (or an error it wraps: `cause`, GraphQL `originalError`, AggregateError members, a Prisma
 * error's driver-adapter error) says the database is unreachable, restarting, out of connections or locked:
 * a transient condition worth a retry later (SERVICE_UNAVAILABLE), not a bug. Never throws.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return visit(err, 0, new Set());
}

function visit(value: unknown, depth: number, seen: Set<unknown>): boolean {
  const e = asObject(value);
  if (!e || depth > 6 || seen.has(e)) return false;
  seen.add(e);
  const prismaCode = prismaErrorCode(e);
  if (prismaCode && UNAVAILABLE_PRISMA_CODES.has(prismaCode)) return true;
  if (adapterCauseUnavailable(e.meta?.driverAdapterError)) return true;
  if (e.name === 'DriverAdapterError' && adapterKindUnavailable(e.cause)) return true;
  if (typeof e.code === 'string') {
    if (SOCKET_CODES.has(e.code) || SQLITE_LOCKED_CODES.has(e.code)) return true;
    // A pg DatabaseError (has `severity`) with an outage SQLSTATE.
    if ('severity' in e && UNAVAILABLE_SQLSTATE.test(e.code)) return true;
  }
  if (e.name === 'Error' && typeof e.message === 'string' && PG_CONNECTION_MESSAGES.has(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => visit(inner, depth + 1, seen))) return true;
  return visit(e.cause, depth + 1, seen) || visit(e.originalError, depth + 1, seen);
}

function adapterCauseUnavailable(adapterError: unknown): boolean {
  const a = asObject(adapterError);
  return a !== null && adapterKindUnavailable(a.cause);
}

function adapterKindUnavailable(cause: unknown): boolean {
  const c = asObject(cause) as (ErrorLike & { kind?: unknown; originalCode?: unknown }) | null;
  if (!c) return false;
  if (typeof c.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(c.kind)) return true;
  if (c.kind === 'postgres' && typeof c.code === 'string' && UNAVAILABLE_SQLSTATE.test(c.code)) return true;
  if (c.kind === 'sqlite' && typeof c.originalCode === 'string' && SQLITE_LOCKED_CODES.has(c.originalCode)) return true;
  return false;
}
