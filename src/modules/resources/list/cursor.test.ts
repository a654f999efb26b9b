import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { OrderDirection, ResourceOrderField } from './resource-order.input.js';

const { CREATED_AT, UPDATED_AT, QUALITY, TITLE } = ResourceOrderField;
const ID = '0b7c9f3e-8a1d-4e2f-9c3b-5d6e7f8a9b0c';
const raw = (tuple: unknown[]): string => Buffer.from(JSON.stringify(tuple)).toString('base64url');
const { ASC, DESC } = OrderDirection;

describe('cursors', () => {
  it.each([
    [CREATED_AT, DESC, 1735689600000],
    [TITLE, ASC, 'émile – «quoted» "title"'],
    [TITLE, DESC, null],
    [QUALITY, DESC, 0.25],
    [QUALITY, ASC, null],
    [UPDATED_AT, ASC, 0],
  ] as const)('round-trip %s %s %j', (field, direction, value) => {
    const cursor = encodeCursor({ field, direction, value, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, field, direction)).toEqual({ field, direction, value, id: ID });
  });

  it.each([
    ['garbage', 'not base64 json'],
    [Buffer.from('{"a":1}').toString('base64url'), 'wrong shape'],
    [Buffer.from('[2,"CREATED_AT","DESC",1,"x"]').toString('base64url'), 'unknown version'],
    [Buffer.from('[1,"CREATED_AT","DESC",{},"x"]').toString('base64url'), 'bad value'],
    [Buffer.from('[1,"CREATED_AT","DESC",1,5]').toString('base64url'), 'bad id'],
    [raw([1, 'CREATED_AT', 'DESC', 1, 'x']), 'id not a UUID'],
    [raw([1, 'CREATED_AT', 'DESC', 'abc', ID]), 'date as a string'],
    [raw([1, 'CREATED_AT', 'DESC', null, ID]), 'null date'],
    [raw([1, 'CREATED_AT', 'DESC', 1e300, ID]), 'date out of range'],
    [raw([1, 'CREATED_AT', 'DESC', 8.64e15 + 1, ID]), 'just past the last valid date'],
  ])('rejects %s (%s) as BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor, CREATED_AT, DESC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('rejects a cursor made for another order', () => {
    const cursor = encodeCursor({ field: CREATED_AT, direction: DESC, value: 1, id: ID });
    expect(() => decodeCursor(cursor, CREATED_AT, ASC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => decodeCursor(cursor, TITLE, DESC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it.each([
    [QUALITY, 'abc'],
    [QUALITY, '1'],
    [UPDATED_AT, 'abc'],
    [UPDATED_AT, null],
    [TITLE, 5],
    [TITLE, true],
  ] as const)('rejects a %s cursor holding %j', (field, value) => {
    expect(() => decodeCursor(raw([1, field, DESC, value, ID]), field, DESC)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', extensions: expect.objectContaining({ field: 'after' }) }),
    );
  });
});
