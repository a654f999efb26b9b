import type { Viewer } from '../../../shared/context.js';
import { isPrismaError } from '../../../shared/database/database-errors.js';
import { badInput, notFound } from '../../../shared/errors.js';
import type { Prisma } from '../../../shared/database/generated/postgres/client.js';
import { ownerScope } from '../access/owner-scope.js';
import { RESOURCE_ROW_SELECT, type ResourceRow } from '../access/resource-row.js';
import type { ResourcesDatabase } from '../resources.deps.js';
import type { UpdateResourceInput } from './update-resource.input.js';

export const MAX_TITLE_CHARS = 500;
export const MAX_DESCRIPTION_CHARS = 5000;
const MAX_MANUAL_CATEGORIES = 20;

export interface UpdateResourceOptions {
  readonly db: ResourcesDatabase;
  readonly viewer: Viewer;
  readonly id: string;
  readonly input: UpdateResourceInput;
}

/**
 * Changes title, description and/or the manual categories of a resource the viewer may see.
 * Manual categories replace every assignment and set `categoriesManual`, which the TAXONOMY stage
 * respects until the resource is reprocessed. The full-text index follows by trigger / generated column.
 * @throws AppError NOT_FOUND for a missing or foreign resource; BAD_USER_INPUT for too-long text or unknown categories.
 */
export async function updateResource(options: UpdateResourceOptions): Promise<ResourceRow> {
  const { db, viewer, id, input } = options;
  const data: Prisma.ResourceUpdateInput = {};
  if (input.title !== undefined) data.title = cleanText(input.title, 'input.title', MAX_TITLE_CHARS);
  if (input.description !== undefined)
    data.description = cleanText(input.description, 'input.description', MAX_DESCRIPTION_CHARS);
  const categoryIds =
    input.categoryIds === null || input.categoryIds === undefined ? null : [...new Set(input.categoryIds)];
  if (categoryIds) {
    if (categoryIds.length > MAX_MANUAL_CATEGORIES)
      throw badInput('input.categoryIds', `At most ${MAX_MANUAL_CATEGORIES} categories`);
    const known = await db.prisma.category.count({ where: { id: { in: categoryIds } } });
    if (known !== categoryIds.length) throw badInput('input.categoryIds', 'Unknown category id');
    data.categoriesManual = true;
    data.categoriesUncertain = false;
  }
  const existing = await db.prisma.resource.findFirst({ where: { id, ...ownerScope(viewer) }, select: { id: true } });
  if (!existing) throw notFound();
  try {
    const [row] = await db.prisma.$transaction([
      db.prisma.resource.update({ where: { id }, data, select: RESOURCE_ROW_SELECT }),
      ...(categoryIds
        ? [
            db.prisma.resourceCategory.deleteMany({ where: { resourceId: id } }),
            db.prisma.resourceCategory.createMany({
              data: categoryIds.map((categoryId) => ({ resourceId: id, categoryId, confidence: 1, manual: true })),
            }),
          ]
        : []),
    ]);
    return row;
  } catch (err) {
    // Deleted between the check and the write.
    if (isPrismaError(err, 'P2025')) throw notFound();
    throw err;
  }
}

function cleanText(value: string | null, field: string, max: number): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(field, `At most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}
