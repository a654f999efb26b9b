import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { freePort } from '../../../test/support/services.js';
import { isDatabaseUnavailable, isPrismaError, prismaErrorCode } from './database-errors.js';

/** Shaped like the errors Prisma 7 + driver adapters produced here (PostgreSQL stopped, terminated, SQLite locked). */
const prisma = (code: string, cause?: Record<string, unknown>) =>
  Object.assign(new Error('x'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {},
  });
const plain = (message: string) => new Error(message);

const UNAVAILABLE: Array<[string, unknown]> = [
  ['P1001 (model query, server stopped)', prisma('P1001', { kind: 'DatabaseNotReachable', host: 'h', port: 1 })],
  ['P2010 raw query wrapping DatabaseNotReachable', prisma('P2010', { kind: 'DatabaseNotReachable' })],
  ['P2010 raw query, backend terminated (57P01)', prisma('P2010', { kind: 'postgres', code: '57P01' })],
  ['P1017 connection closed', prisma('P1017', { kind: 'ConnectionClosed' })],
  ['P2024 pool timeout', prisma('P2024')],
  ['P1008 SQLITE_BUSY', prisma('P1008', { kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY' })],
  [
    'initialization error',
    Object.assign(new Error('x'), { name: 'PrismaClientInitializationError', errorCode: 'P1001' }),
  ],
  ['pg: Connection terminated unexpectedly', plain('Connection terminated unexpectedly')],
  [
    'pg: Client has encountered a connection error',
    plain('Client has encountered a connection error and is not queryable'),
  ],
  ['pg-pool: timeout exceeded when trying to connect', plain('timeout exceeded when trying to connect')],
  ['raw SQLITE_BUSY', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
  ['wrapped in cause', new Error('outer', { cause: plain('Connection terminated unexpectedly') })],
  ['GraphQL originalError', Object.assign(new Error('gql'), { originalError: prisma('P1001') })],
];

const NOT_UNAVAILABLE: Array<[string, unknown]> = [
  ['unique violation P2002', prisma('P2002')],
  ['record not found P2025', prisma('P2025')],
  ['raw query syntax error', prisma('P2010', { kind: 'postgres', code: '42601' })],
  ['message that merely mentions ECONNREFUSED', plain('connect ECONNREFUSED postgresql://admin:s3cr3t@db:5432/x')],
  ['TypeError', new TypeError('Connection terminated unexpectedly')],
  ['null', null],
  ['string', 'P1001'],
];

describe('isDatabaseUnavailable', () => {
  it.each(UNAVAILABLE)('%s → unavailable', (_name, err) => expect(isDatabaseUnavailable(err)).toBe(true));
  it.each(NOT_UNAVAILABLE)('%s → not unavailable', (_name, err) => expect(isDatabaseUnavailable(err)).toBe(false));

  it('a real pg connection refused (ECONNREFUSED from the driver) → unavailable', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 2_000 });
    const err = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('survives cycles', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe('isPrismaError / prismaErrorCode', () => {
  it('reads the code of Prisma errors only', () => {
    expect(isPrismaError(prisma('P2025'), 'P2025')).toBe(true);
    expect(isPrismaError(prisma('P2025'), 'P2002')).toBe(false);
    expect(isPrismaError(Object.assign(new Error('x'), { code: 'P2025' }), 'P2025')).toBe(false);
    expect(prismaErrorCode(undefined)).toBeNull();
  });
});
