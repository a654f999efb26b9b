import { throwIfCancelled, type Viewer } from '../../../shared/context.js';
import { badInput } from '../../../shared/errors.js';
import { RESOURCE_ROW_SELECT, type ResourceRow } from '../access/resource-row.js';
import type { ResourcesDatabase } from '../resources.deps.js';
import { buildFilterWhere } from './build-filter-where.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { afterWhere, cursorValue, isNullableOrder, nullablePhases, orderByFor } from './keyset.js';
import type { ResourceFilter } from './resource-filter.input.js';
import { OrderDirection, ResourceOrderField, type ResourceOrder } from './resource-order.input.js';

export const MAX_PAGE_SIZE = 100;

export interface ListResourcesOptions {
  readonly db: ResourcesDatabase;
  readonly viewer: Viewer;
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: ResourceFilter | null;
  readonly orderBy?: ResourceOrder | null;
  /** The operation's signal: checked between the page's queries. */
  readonly signal?: AbortSignal;
}

export interface ResourcePage {
  readonly edges: Array<{ cursor: string; node: ResourceRow }>;
  readonly pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Counts every resource matching the filter (one more query, run only when called). */
  readonly countTotal: () => Promise<number>;
}

/**
 * One page of the viewer's resources in keyset order. Costs one query for the page (two for QUALITY and
 * TITLE orders when the page reaches the rows without a value; plus one for a category filter's path and
 * one for a text filter), and one for `countTotal` when asked.
 * @throws AppError BAD_USER_INPUT when `first` is outside 1..100 or `after` is not a cursor of this order.
 */
export async function listResources(options: ListResourcesOptions): Promise<ResourcePage> {
  const { db, viewer, first } = options;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  const field = options.orderBy?.field ?? ResourceOrderField.CREATED_AT;
  const direction = options.orderBy?.direction ?? OrderDirection.DESC;
  const position = options.after ? decodeCursor(options.after, field, direction) : null;
  const where = await buildFilterWhere(db, viewer, options.filter);
  if (options.signal) throwIfCancelled(options.signal);
  let rows: ResourceRow[];
  if (isNullableOrder(field)) {
    const phases = nullablePhases(field, direction, position);
    rows = phases.set
      ? await db.prisma.resource.findMany({
          where: { AND: [where, phases.set.where] },
          orderBy: phases.set.orderBy,
          take: first + 1,
          select: RESOURCE_ROW_SELECT,
        })
      : [];
    if (options.signal) throwIfCancelled(options.signal);
    if (rows.length < first + 1) {
      const nulls = await db.prisma.resource.findMany({
        where: { AND: [where, phases.nulls.where] },
        orderBy: phases.nulls.orderBy,
        take: first + 1 - rows.length,
        select: RESOURCE_ROW_SELECT,
      });
      rows = [...rows, ...nulls];
    }
  } else {
    rows = await db.prisma.resource.findMany({
      where: position ? { AND: [where, afterWhere(position)] } : where,
      orderBy: orderByFor(field, direction),
      take: first + 1,
      select: RESOURCE_ROW_SELECT,
    });
  }
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({
    node,
    cursor: encodeCursor({ field, direction, value: cursorValue(node, field), id: node.id }),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: position !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countTotal: () => db.prisma.resource.count({ where }),
  };
}
