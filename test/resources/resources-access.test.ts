import { beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/shared/context.js';
import { errorCode, openHarness, PROVIDERS, type Harness } from './harness.js';

const READ = `query R($id: ID!) { resource(id: $id) { id title quality { overall } categories { category { id } confidence manual }
  related(limit: 5) { resource { id } weight kind } progress { overallStatus percent } } }`;
const LIST = `query L($filter: ResourceFilter) { resources(first: 100, filter: $filter) { edges { node { id } } totalCount } }`;
const SEARCH = `query S($q: String!, $mode: SearchMode) { search(query: $q, mode: $mode, limit: 50) { resource { id } snippet } }`;
const UPDATE = `mutation U($id: ID!, $input: UpdateResourceInput!) { updateResource(id: $id, input: $input) { id title description categories { category { id path } confidence manual } } }`;
const DELETE = `mutation D($id: ID!) { deleteResource(id: $id) }`;

describe.each(PROVIDERS)('owner isolation, update and delete on %s', (provider) => {
  let h: Harness;
  let alice: Viewer;
  let bob: Viewer;
  let admin: Viewer;
  let a1: string;
  let a2: string;
  let b1: string;

  beforeAll(async () => {
    h = await openHarness(provider, { embeddings: true });
    [alice, bob, admin] = [await h.createUser(), await h.createUser(), await h.createUser('ADMIN')];
    await h.ensureCategory('iso-science', 'isoscience');
    await h.ensureCategory('iso-art', 'isoart');
    [a1, a2] = (await h.seed(alice, [
      {
        title: 'Zanzibar spice trade',
        content: 'The zanzibar archipelago exported cloves and nutmeg across the ocean.',
        quality: 0.8,
        categories: [['iso-science', 0.6]],
      },
      { title: 'Clove harvesting', content: 'Farmers harvest cloves by hand before the buds open.' },
    ])) as [string, string];
    [b1] = (await h.seed(bob, [{ title: 'Bob notes', content: 'Private zanzibar notes from bob about cloves.' }])) as [
      string,
    ];
    // a1 cites a2; a (corrupt) cross-owner edge b1 → a1 must not leak a1 to bob.
    await h.prisma.resourceEdge.createMany({
      data: [
        { sourceId: a1, targetId: a2, kind: 'CITES', weight: 0.9 },
        { sourceId: a2, targetId: a1, kind: 'SIMILAR', weight: 0.5 },
        { sourceId: b1, targetId: a1, kind: 'SIMILAR', weight: 0.99 },
      ],
    });
    await h.tracking.tracker.initProgress(a1);
    await h.tracking.tracker.setProgress(a1, 'INGESTION', 'COMPLETED');
  });

  it('reads own resources with quality, categories, related (both directions) and progress', async () => {
    const res = await h.exec<{ resource: Record<string, unknown> }>(alice, READ, { id: a1 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.resource).toMatchObject({
      id: a1,
      quality: { overall: 0.8 },
      categories: [{ category: { id: 'iso-science' }, confidence: 0.6, manual: false }],
      related: [
        { resource: { id: a2 }, weight: 0.9, kind: 'CITES' },
        { resource: { id: a2 }, weight: 0.5, kind: 'SIMILAR' },
      ],
      progress: { overallStatus: 'PROCESSING', percent: 20 },
    });
  });

  it("answers NOT_FOUND for someone else's resource on read, update and delete, and changes nothing", async () => {
    expect(errorCode(await h.exec(bob, READ, { id: a1 }))).toBe('NOT_FOUND');
    expect(errorCode(await h.exec(bob, READ, { id: 'no-such-id' }))).toBe('NOT_FOUND');
    expect(errorCode(await h.exec(bob, UPDATE, { id: a1, input: { title: 'hijacked' } }))).toBe('NOT_FOUND');
    expect(errorCode(await h.exec(bob, DELETE, { id: a1 }))).toBe('NOT_FOUND');
    const row = await h.prisma.resource.findUnique({ where: { id: a1 } });
    expect(row?.title).toBe('Zanzibar spice trade');
  });

  it('keeps lists, search, related and progress to the owner', async () => {
    const list = await h.exec<{ resources: { edges: Array<{ node: { id: string } }>; totalCount: number } }>(bob, LIST);
    expect(list.data!.resources.edges.map((e) => e.node.id)).toEqual([b1]);
    expect(list.data!.resources.totalCount).toBe(1);
    const filtered = await h.exec<{ resources: { edges: Array<{ node: { id: string } }> } }>(bob, LIST, {
      filter: { text: 'zanzibar' },
    });
    expect(filtered.data!.resources.edges.map((e) => e.node.id)).toEqual([b1]);
    for (const mode of ['KEYWORD', 'SEMANTIC', 'HYBRID']) {
      const res = await h.exec<{ search: Array<{ resource: { id: string } }> }>(bob, SEARCH, {
        q: 'zanzibar cloves',
        mode,
      });
      expect(res.errors, mode).toBeUndefined();
      expect(
        res.data!.search.map((s) => s.resource.id),
        mode,
      ).toEqual([b1]);
    }
    const own = await h.exec<{ resource: { related: unknown[]; progress: { overallStatus: string } } }>(bob, READ, {
      id: b1,
    });
    expect(own.data!.resource.related).toEqual([]);
    expect(own.data!.resource.progress.overallStatus).toBe('PENDING');
  });

  it('lets ADMIN see, search and edit every owner’s resources', async () => {
    expect((await h.exec(admin, READ, { id: a1 })).errors).toBeUndefined();
    const list = await h.exec<{ resources: { totalCount: number } }>(admin, LIST);
    expect(list.data!.resources.totalCount).toBeGreaterThanOrEqual(3);
    const res = await h.exec<{ search: Array<{ resource: { id: string } }> }>(admin, SEARCH, {
      q: 'zanzibar',
      mode: 'HYBRID',
    });
    expect(res.data!.search.map((s) => s.resource.id)).toEqual(expect.arrayContaining([a1, b1]));
    const upd = await h.exec<{ updateResource: { title: string } }>(admin, UPDATE, {
      id: b1,
      input: { description: 'reviewed by an admin' },
    });
    expect(upd.errors).toBeUndefined();
  });

  it('updates title and description, keeps the keyword index in sync, and sets manual categories', async () => {
    const [id] = await h.seed(alice, [
      { title: 'Old heading', content: 'plain body text', categories: [['iso-science', 0.4]] },
    ]);
    const search = async (q: string) =>
      (
        await h.exec<{ search: Array<{ resource: { id: string } }> }>(alice, SEARCH, { q, mode: 'KEYWORD' })
      ).data!.search.map((s) => s.resource.id);
    expect(await search('heading')).toContain(id);
    const res = await h.exec<{ updateResource: Record<string, unknown> }>(alice, UPDATE, {
      id,
      input: { title: 'Xylophone maintenance', description: 'tuning mallets', categoryIds: ['iso-art'] },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateResource).toMatchObject({
      title: 'Xylophone maintenance',
      description: 'tuning mallets',
      categories: [{ category: { id: 'iso-art', path: 'isoart' }, confidence: 1, manual: true }],
    });
    expect(await search('heading')).not.toContain(id);
    expect(await search('xylophone')).toEqual([id]);
    expect(await search('mallet')).toEqual([id]);
    const row = await h.prisma.resource.findUnique({ where: { id: id! } });
    expect(row?.categoriesManual).toBe(true);
    expect(errorCode(await h.exec(alice, UPDATE, { id, input: { categoryIds: ['no-such-category'] } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await h.exec(alice, UPDATE, { id, input: { title: 'x'.repeat(501) } }))).toBe('BAD_USER_INPUT');
    const cleared = await h.exec<{ updateResource: { title: string | null } }>(alice, UPDATE, {
      id,
      input: { title: null },
    });
    expect(cleared.data!.updateResource.title).toBeNull();
  });

  it('deletes a resource and leaves nothing behind', async () => {
    const [gone, keep] = (await h.seed(alice, [
      { title: 'Quokka habitats', content: 'quokka quokka island marsupials', categories: [['iso-art', 0.5]] },
      { title: 'Neighbour', content: 'a neighbouring resource' },
    ])) as [string, string];
    await h.prisma.resourceEdge.createMany({
      data: [
        { sourceId: gone, targetId: keep, kind: 'CITES', weight: 0.4 },
        { sourceId: keep, targetId: gone, kind: 'CITES', weight: 0.4 },
      ],
    });
    await h.tracking.tracker.initProgress(gone);
    await h.tracking.tracker.setProgress(gone, 'INGESTION', 'COMPLETED');
    const before = await h.exec<{ search: Array<{ resource: { id: string } }> }>(alice, SEARCH, {
      q: 'quokka marsupials',
      mode: 'HYBRID',
    });
    expect(before.data!.search[0]?.resource.id).toBe(gone);

    const res = await h.exec<{ deleteResource: boolean }>(alice, DELETE, { id: gone });
    expect(res.data!.deleteResource).toBe(true);
    expect(await h.prisma.resource.count({ where: { id: gone } })).toBe(0);
    expect(await h.prisma.resourceChunk.count({ where: { resourceId: gone } })).toBe(0);
    expect(await h.prisma.resourceEdge.count({ where: { OR: [{ sourceId: gone }, { targetId: gone }] } })).toBe(0);
    expect(await h.prisma.resourceCategory.count({ where: { resourceId: gone } })).toBe(0);
    const [progress] = await h.tracking.tracker.getProgressMany([gone]);
    expect(progress!.stages.every((s) => s.status === 'PENDING' && s.attempt === 0)).toBe(true);
    if (provider === 'sqlite') {
      const fts = await h.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT count(*) AS n FROM resources_fts WHERE resources_fts MATCH 'quokka'`,
      );
      expect(Number(fts[0]!.n)).toBe(0);
      const map = await h.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
        `SELECT count(*) AS n FROM resource_search_rowids WHERE resource_id = ?`,
        gone,
      );
      expect(Number(map[0]!.n)).toBe(0);
    }
    for (const mode of ['KEYWORD', 'SEMANTIC', 'HYBRID']) {
      const after = await h.exec<{ search: Array<{ resource: { id: string } }> }>(alice, SEARCH, {
        q: 'quokka marsupials',
        mode,
      });
      expect(
        after.data!.search.map((s) => s.resource.id),
        mode,
      ).not.toContain(gone);
    }
    expect(errorCode(await h.exec(alice, DELETE, { id: gone }))).toBe('NOT_FOUND');
    const neighbour = await h.exec<{ resource: { related: unknown[] } }>(alice, READ, { id: keep });
    expect(neighbour.data!.resource.related).toEqual([]);
  });
});

describe.each(PROVIDERS)('batched loading on %s', (provider) => {
  it('serves a 100-resource page with every field in a fixed number of queries', async () => {
    const h = await openHarness(provider);
    const owner = await h.createUser();
    await h.ensureCategory('batch-a', 'batcha');
    const ids = await h.seed(
      owner,
      Array.from({ length: 120 }, (_, i) => ({
        content: `body ${i} `.repeat(100),
        quality: 0.5,
        categories: [['batch-a', 0.5]] as Array<[string, number]>,
      })),
    );
    await h.prisma.resourceEdge.createMany({
      data: ids.slice(1).map((id, i) => ({ sourceId: ids[i]!, targetId: id, kind: 'SIMILAR', weight: 0.5 })),
    });
    const PAGE = `query P($first: Int!) { resources(first: $first) { totalCount edges { node { id contentPreview
      quality { overall } categories { category { name path } confidence } related(limit: 3) { resource { id title } weight kind }
      progress { overallStatus stages { stage status } } } } } }`;
    const count = async (first: number) => {
      h.queries.count = 0;
      const res = await h.exec<{
        resources: { edges: Array<{ node: { contentPreview: string; related: unknown[] } }> };
      }>(owner, PAGE, { first });
      expect(res.errors).toBeUndefined();
      expect(res.data!.resources.edges).toHaveLength(first);
      expect(res.data!.resources.edges[0]!.node.contentPreview.length).toBeLessThanOrEqual(281);
      return h.queries.count;
    };
    const small = await count(5);
    const large = await count(100);
    // page, totalCount, previews, categories, related edges, related resources
    expect(small).toBe(6);
    expect(large).toBe(small);
  });
});
