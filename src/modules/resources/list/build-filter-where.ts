import type { Viewer } from '../../../shared/context.js';
import { badInput } from '../../../shared/errors.js';
import type { Prisma } from '../../../shared/database/generated/postgres/client.js';
import { ownerScope, scopedOwnerId } from '../access/owner-scope.js';
import type { ResourcesDatabase } from '../resources.deps.js';
import { keywordSearch } from '../search/keyword-search.js';
import { contentTerms, searchTerms, validateQuery } from '../search/search-terms.js';
import type { ResourceFilter } from './resource-filter.input.js';

/**
 * The Prisma `where` for the viewer's resources matching `filter` (owner scope always included).
 * `text` is answered by the full-text index first (every word but stopwords must match, stemmed) and becomes an id list;
 * `categoryId` includes the category's descendants.
 * @throws AppError BAD_USER_INPUT for an out-of-range minQuality or an invalid text.
 */
export async function buildFilterWhere(
  db: ResourcesDatabase,
  viewer: Viewer,
  filter: ResourceFilter | null | undefined,
): Promise<Prisma.ResourceWhereInput> {
  const and: Prisma.ResourceWhereInput[] = [ownerScope(viewer)];
  if (!filter) return and[0]!;
  if (filter.minQuality !== null && filter.minQuality !== undefined) {
    if (!(filter.minQuality >= 0 && filter.minQuality <= 1))
      throw badInput('filter.minQuality', 'minQuality must be between 0 and 1');
    and.push({ qualityOverall: { gte: filter.minQuality } });
  }
  if (filter.status) and.push({ overallStatus: filter.status });
  if (filter.language) and.push({ language: filter.language });
  if (filter.createdAfter) and.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  if (filter.categoryId) {
    const category = await db.prisma.category.findUnique({
      where: { id: filter.categoryId },
      select: { id: true, path: true },
    });
    if (!category) and.push({ id: { in: [] } });
    else {
      and.push({
        categories: {
          some: { category: { OR: [{ id: category.id }, { path: { startsWith: `${category.path}/` } }] } },
        },
      });
    }
  }
  if (filter.text !== null && filter.text !== undefined) {
    const terms = contentTerms(searchTerms(validateQuery(filter.text, 'filter.text')));
    const hits = await keywordSearch(db, { ownerId: scopedOwnerId(viewer), terms, match: 'all', limit: null });
    and.push({ id: { in: hits.map((h) => h.id) } });
  }
  return and.length === 1 ? and[0]! : { AND: and };
}
