import type { Prisma } from '../../../shared/database/generated/postgres/client.js';
import type { ResourceRow } from '../access/resource-row.js';
import type { CursorPosition } from './cursor.js';
import { OrderDirection, ResourceOrderField } from './resource-order.input.js';

type Column = 'createdAt' | 'updatedAt' | 'qualityOverall' | 'title';

const COLUMN: Record<ResourceOrderField, Column> = {
  [ResourceOrderField.CREATED_AT]: 'createdAt',
  [ResourceOrderField.UPDATED_AT]: 'updatedAt',
  [ResourceOrderField.QUALITY]: 'qualityOverall',
  [ResourceOrderField.TITLE]: 'title',
};

const NULLABLE = new Set<Column>(['qualityOverall', 'title']);

/** Prisma orderBy for a sort key: the column (nulls last in both directions), then id the same way. */
export function orderByFor(
  field: ResourceOrderField,
  direction: OrderDirection,
): Prisma.ResourceOrderByWithRelationInput[] {
  const column = COLUMN[field];
  const sort = direction === OrderDirection.ASC ? 'asc' : 'desc';
  const primary = NULLABLE.has(column) ? { [column]: { sort, nulls: 'last' } } : { [column]: sort };
  return [primary as Prisma.ResourceOrderByWithRelationInput, { id: sort }];
}

/** The cursor value of a row for a sort key (dates as epoch ms so they survive JSON exactly). */
export function cursorValue(row: ResourceRow, field: ResourceOrderField): string | number | null {
  const value = row[COLUMN[field]];
  return value instanceof Date ? value.getTime() : value;
}

/**
 * The `where` selecting rows strictly after `position` in (column, id) order with nulls last:
 * a keyset condition, so a page never repeats or skips rows when others are inserted meanwhile.
 */
export function afterWhere(position: CursorPosition): Prisma.ResourceWhereInput {
  const column = COLUMN[position.field];
  const beyond = position.direction === OrderDirection.ASC ? 'gt' : 'lt';
  const idBeyond = { id: { [beyond]: position.id } };
  if (position.value === null) return { AND: [{ [column]: null }, idBeyond] };
  const value = column === 'createdAt' || column === 'updatedAt' ? new Date(position.value) : position.value;
  const or: Prisma.ResourceWhereInput[] = [{ [column]: { [beyond]: value } }, { AND: [{ [column]: value }, idBeyond] }];
  if (NULLABLE.has(column)) or.push({ [column]: null });
  return { OR: or };
}
