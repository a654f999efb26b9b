import DataLoader from 'dataloader';
import type { RequestContext, Viewer } from '../../../shared/context.js';
import type { ResourceProgress } from '../../../shared/status-tracker/types.js';
import { loadResourceRows } from '../access/load-resource-rows.js';
import { scopedOwnerId } from '../access/owner-scope.js';
import type { ResourceRow } from '../access/resource-row.js';
import { placeholders } from '../access/sql.js';
import type { ProgressSource, ResourcesDatabase } from '../resources.deps.js';
import { RelationKind } from '../types/related-resource.type.js';

/** Characters of content shown as `contentPreview`. */
export const PREVIEW_CHARS = 280;

export interface CategoryAssignment {
  readonly category: { id: string; name: string; path: string };
  readonly confidence: number;
  readonly manual: boolean;
}

export interface RelatedLink {
  readonly resourceId: string;
  readonly weight: number;
  readonly kind: RelationKind;
}

/** Per-request DataLoaders of the resources slice: each batches every row of a page into one query. */
export interface ResourceLoaders {
  /** Resources the viewer may see, by id (null when missing or someone else's). */
  readonly resource: DataLoader<string, ResourceRow | null>;
  readonly preview: DataLoader<string, string>;
  readonly content: DataLoader<string, string>;
  readonly categories: DataLoader<string, CategoryAssignment[]>;
  /** All links of a resource, strongest first; callers slice to their `limit` and load the rows (scoped). */
  readonly related: DataLoader<string, RelatedLink[]>;
  readonly progress: DataLoader<string, ResourceProgress>;
}

export interface LoaderDeps {
  readonly db: ResourcesDatabase;
  readonly progress: ProgressSource;
}

const LOADERS_KEY = 'resources';

/** The request's loaders, created on first use (RequestContext.loaders is per operation). */
export function resourceLoaders(ctx: RequestContext, viewer: Viewer, deps: LoaderDeps): ResourceLoaders {
  const existing = ctx.loaders.get(LOADERS_KEY) as ResourceLoaders | undefined;
  if (existing) return existing;
  const created = createResourceLoaders(viewer, deps);
  ctx.loaders.set(LOADERS_KEY, created);
  return created;
}

/** Builds a fresh set of loaders scoped to `viewer` (exported for services that run outside GraphQL). */
export function createResourceLoaders(viewer: Viewer, deps: LoaderDeps): ResourceLoaders {
  const { db } = deps;
  const byId = <T>(ids: readonly string[], rows: Iterable<[string, T]>, fallback: T): T[] => {
    const map = new Map(rows);
    return ids.map((id) => map.get(id) ?? fallback);
  };
  return {
    resource: new DataLoader(async (ids) => {
      const rows = await loadResourceRows(db, ids, scopedOwnerId(viewer));
      return byId<ResourceRow | null>(
        ids,
        rows.map((r) => [r.id, r]),
        null,
      );
    }),
    preview: new DataLoader(async (ids) => {
      // Only the head of each document crosses the wire, not the whole content.
      const head = db.provider === 'postgresql' ? 'left(content, $1)' : 'substr(content, 1, ?)';
      const rows = await db.prisma.$queryRawUnsafe<Array<{ id: string; head: string }>>(
        `SELECT id, ${head} AS head FROM resources WHERE id IN (${placeholders(db, ids.length, 2)})`,
        PREVIEW_CHARS + 1,
        ...ids,
      );
      return byId(
        ids,
        rows.map((r) => [r.id, toPreview(r.head)]),
        '',
      );
    }),
    content: new DataLoader(async (ids) => {
      const rows = await db.prisma.resource.findMany({
        where: { id: { in: [...ids] } },
        select: { id: true, content: true },
      });
      return byId(
        ids,
        rows.map((r) => [r.id, r.content]),
        '',
      );
    }),
    categories: new DataLoader(async (ids) => {
      const rows = await db.prisma.$queryRawUnsafe<
        Array<{
          resource_id: string;
          confidence: number;
          manual: boolean | number;
          id: string;
          name: string;
          path: string;
        }>
      >(
        `SELECT rc.resource_id, rc.confidence, rc.manual, c.id, c.name, c.path
         FROM resource_categories rc JOIN categories c ON c.id = rc.category_id
         WHERE rc.resource_id IN (${placeholders(db, ids.length)})
         ORDER BY rc.confidence DESC, rc.category_id`,
        ...ids,
      );
      const grouped = new Map<string, CategoryAssignment[]>();
      for (const r of rows) {
        const list = grouped.get(r.resource_id) ?? [];
        list.push({
          category: { id: r.id, name: r.name, path: r.path },
          confidence: r.confidence,
          manual: Boolean(r.manual),
        });
        grouped.set(r.resource_id, list);
      }
      return ids.map((id) => grouped.get(id) ?? []);
    }),
    related: new DataLoader(async (ids) => {
      // Edges only; the linked resources come through the (owner-scoped) resource loader in a second
      // batch. A join in one statement made PostgreSQL plan a parallel query whose worker start-up cost
      // 13 ms against 1.4 ms for the two plain index lookups (measured at 10,000 resources).
      // UNION ALL rather than OR: each half uses its own index (primary key's source_id prefix /
      // target_id). An edge between two resources of the batch comes back twice; `add` keeps one link
      // per (resource, kind).
      const edges = await db.prisma.$queryRawUnsafe<
        Array<{ sourceId: string; targetId: string; kind: string; weight: number }>
      >(
        `SELECT source_id AS "sourceId", target_id AS "targetId", kind, weight FROM resource_edges WHERE source_id IN (${placeholders(db, ids.length)})
         UNION ALL
         SELECT source_id, target_id, kind, weight FROM resource_edges WHERE target_id IN (${placeholders(db, ids.length, ids.length + 1)})`,
        ...ids,
        ...ids,
      );
      const wanted = new Set(ids);
      const links = new Map<string, Map<string, RelatedLink>>();
      const add = (from: string, link: RelatedLink) => {
        if (!wanted.has(from) || link.resourceId === from) return;
        const perResource = links.get(from) ?? new Map<string, RelatedLink>();
        const key = `${link.resourceId}:${link.kind}`;
        const prior = perResource.get(key);
        if (!prior || prior.weight < link.weight) perResource.set(key, link);
        links.set(from, perResource);
      };
      for (const e of edges) {
        const cites = e.kind === 'CITES';
        const weight = Number(e.weight);
        add(e.sourceId, { resourceId: e.targetId, weight, kind: cites ? RelationKind.CITES : RelationKind.SIMILAR });
        add(e.targetId, { resourceId: e.sourceId, weight, kind: cites ? RelationKind.CITED_BY : RelationKind.SIMILAR });
      }
      return ids.map((id) =>
        [...(links.get(id)?.values() ?? [])].sort(
          (a, b) => b.weight - a.weight || a.resourceId.localeCompare(b.resourceId) || a.kind.localeCompare(b.kind),
        ),
      );
    }),
    progress: new DataLoader((ids) => deps.progress.getProgressMany(ids)),
  };
}

/** The first PREVIEW_CHARS characters, cut at a word boundary, with an ellipsis when truncated. */
export function toPreview(head: string): string {
  const text = head.replace(/\s+/g, ' ').trim();
  if (head.length <= PREVIEW_CHARS) return text;
  const cut = text.slice(0, PREVIEW_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > PREVIEW_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
