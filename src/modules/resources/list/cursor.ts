import { badInput } from '../../../shared/errors.js';
import type { OrderDirection, ResourceOrderField } from './resource-order.input.js';

/** Where a page ended: the sort key and id of its last row, and the order it was read in. */
export interface CursorPosition {
  readonly field: ResourceOrderField;
  readonly direction: OrderDirection;
  /** Dates as epoch milliseconds; null for resources without a quality score or title. */
  readonly value: string | number | null;
  readonly id: string;
}

const VERSION = 1;

/** An opaque cursor: base64url of a versioned JSON tuple. Stable while the row keeps its sort key. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(
    JSON.stringify([VERSION, position.field, position.direction, position.value, position.id]),
  ).toString('base64url');
}

/**
 * The position in a cursor made by encodeCursor for the same order.
 * @throws AppError BAD_USER_INPUT when it is malformed or was made for another order.
 */
export function decodeCursor(cursor: string, field: ResourceOrderField, direction: OrderDirection): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('after', 'Invalid cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== VERSION) throw badInput('after', 'Invalid cursor');
  const [, f, d, value, id] = parsed as [number, unknown, unknown, unknown, unknown];
  if (f !== field || d !== direction) throw badInput('after', 'Cursor was made for another order');
  if (typeof id !== 'string' || !UUID.test(id) || !validValue(field, value)) throw badInput('after', 'Invalid cursor');
  return { field, direction, value, id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a decoded sort key has the type its column holds (a crafted cursor must not reach the query). */
function validValue(field: ResourceOrderField, value: unknown): value is string | number | null {
  switch (field) {
    case 'TITLE':
      return value === null || typeof value === 'string';
    case 'QUALITY':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'CREATED_AT':
    case 'UPDATED_AT':
      return typeof value === 'number' && Number.isFinite(value) && !Number.isNaN(new Date(value).getTime());
    default:
      return false;
  }
}
