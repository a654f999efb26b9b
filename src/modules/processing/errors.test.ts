import { describe, expect, it } from 'vitest';
import {
  isTransientError,
  PermanentStageError,
  ResourceGoneError,
  TransientStageError,
  userMessage,
} from './errors.js';

describe('error classification', () => {
  it.each([
    [new TransientStageError('503'), true],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('prisma'), { code: 'P1001' }), true],
    [Object.assign(new Error('pg'), { code: '57P01' }), true],
    [Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }), true],
    [Object.assign(new Error('timeout'), { name: 'TimeoutError' }), true],
    [new PermanentStageError('404'), false],
    [new ResourceGoneError('r'), false],
    [new TypeError('bug'), false],
    [Object.assign(new Error('unique'), { code: 'P2002' }), false],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [Object.assign(new Error('P1017'), { name: 'PrismaClientKnownRequestError', code: 'P1017' }), true],
    [Object.assign(new Error('adapter'), { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } }), true],
    [Object.assign(new Error('adapter'), { name: 'DriverAdapterError', cause: { kind: 'TooManyConnections' } }), true],
    [
      Object.assign(new Error('adapter'), { name: 'DriverAdapterError', cause: { kind: 'UniqueConstraintViolation' } }),
      false,
    ],
  ])('%s → transient %s', (err, transient) => expect(isTransientError(err)).toBe(transient));

  it('shows stage messages to users and hides internal ones', () => {
    expect(userMessage(new PermanentStageError('The site answered HTTP 404'), 'ingestion')).toBe(
      'The site answered HTTP 404',
    );
    expect(
      userMessage(new TypeError('Cannot read properties of undefined (reading "x") at /src/secret.ts'), 'ingestion'),
    ).toBe('An internal error stopped ingestion');
    expect(userMessage(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'embedding')).toMatch(
      /temporary problem \(ECONNRESET\).*embedding/,
    );
  });
});
