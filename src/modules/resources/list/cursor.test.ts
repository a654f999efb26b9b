import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { OrderDirection, ResourceOrderField } from './resource-order.input.js';

const { CREATED_AT, TITLE } = ResourceOrderField;
const { ASC, DESC } = OrderDirection;

describe('cursors', () => {
  it.each([
    [CREATED_AT, DESC, 1735689600000],
    [TITLE, ASC, 'émile – «quoted» "title"'],
    [TITLE, DESC, null],
  ] as const)('round-trip %s %s %j', (field, direction, value) => {
    const cursor = encodeCursor({ field, direction, value, id: 'id-1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, field, direction)).toEqual({ field, direction, value, id: 'id-1' });
  });

  it.each([
    ['garbage', 'not base64 json'],
    [Buffer.from('{"a":1}').toString('base64url'), 'wrong shape'],
    [Buffer.from('[2,"CREATED_AT","DESC",1,"x"]').toString('base64url'), 'unknown version'],
    [Buffer.from('[1,"CREATED_AT","DESC",{},"x"]').toString('base64url'), 'bad value'],
    [Buffer.from('[1,"CREATED_AT","DESC",1,5]').toString('base64url'), 'bad id'],
  ])('rejects %s (%s) as BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor, CREATED_AT, DESC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('rejects a cursor made for another order', () => {
    const cursor = encodeCursor({ field: CREATED_AT, direction: DESC, value: 1, id: 'x' });
    expect(() => decodeCursor(cursor, CREATED_AT, ASC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => decodeCursor(cursor, TITLE, DESC)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
