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

/** True when the sort column may be NULL (QUALITY, TITLE): such pages are read in two index-friendly phases. */
export function isNullableOrder(field: ResourceOrderField): boolean {
  return NULLABLE.has(COLUMN[field]);
}

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

/**
 * Nullable orders read in two phases, each a plain index range on (owner, column, id) in either
 * direction: first the rows whose column is set, in (column, id) order, then the NULL rows in id order.
 * A single `ORDER BY column NULLS LAST` cannot use one index for both directions (SQLite and PostgreSQL
 * put NULLs at opposite ends), so it sorted every matching row.
 */
export function nullablePhases(
  field: ResourceOrderField,
  direction: OrderDirection,
  position: CursorPosition | null,
): {
  set: { where: Prisma.ResourceWhereInput; orderBy: Prisma.ResourceOrderByWithRelationInput[] } | null;
  nulls: { where: Prisma.ResourceWhereInput; orderBy: Prisma.ResourceOrderByWithRelationInput[] };
} {
  const column = COLUMN[field];
  const sort = direction === OrderDirection.ASC ? 'asc' : 'desc';
  const beyond = direction === OrderDirection.ASC ? 'gt' : 'lt';
  const isNull = { [column]: null } as Prisma.ResourceWhereInput;
  const nullsOrder = [{ id: sort }] as Prisma.ResourceOrderByWithRelationInput[];
  if (position && position.value === null) {
    return { set: null, nulls: { where: { AND: [isNull, { id: { [beyond]: position.id } }] }, orderBy: nullsOrder } };
  }
  const notNull = { [column]: { not: null } } as Prisma.ResourceWhereInput;
  const after: Prisma.ResourceWhereInput[] = position
    ? [
        {
          OR: [
            { [column]: { [beyond]: position.value } },
            { AND: [{ [column]: position.value }, { id: { [beyond]: position.id } }] },
          ],
        } as Prisma.ResourceWhereInput,
      ]
    : [];
  return {
    set: {
      where: { AND: [notNull, ...after] },
      orderBy: [{ [column]: sort }, { id: sort }] as Prisma.ResourceOrderByWithRelationInput[],
    },
    nulls: { where: isNull, orderBy: nullsOrder },
  };
}
