import type { ExecutionResult } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/shared/context.js';
import { errorCode, openHarness, PROVIDERS, type Harness } from './harness.js';

const PAGE = `query Page($first: Int!, $after: String, $filter: ResourceFilter, $orderBy: ResourceOrder) {
  resources(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id title createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

interface PageData {
  resources: {
    edges: Array<{ cursor: string; node: { id: string; title: string | null; createdAt: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

interface Row {
  id: string;
  title: string | null;
  quality: number | null;
  createdAt: Date;
}

const T0 = Date.UTC(2025, 0, 1);

describe.each(PROVIDERS)('resources connection on %s', (provider) => {
  let h: Harness;
  let owner: Viewer;
  let other: Viewer;
  const rows: Row[] = [];

  beforeAll(async () => {
    h = await openHarness(provider);
    owner = await h.createUser();
    other = await h.createUser();
    // 250 resources; createdAt repeats in groups of 5 (ties break on id), quality and title repeat and are sometimes null.
    const docs = Array.from({ length: 250 }, (_, i) => ({
      title: i % 17 === 0 ? null : `title${String(i % 40).padStart(3, '0')}`,
      quality: i % 11 === 0 ? null : (i % 7) / 10,
      createdAt: new Date(T0 + Math.floor(i / 5) * 60_000),
      content: `document number ${i}`,
    }));
    const ids = await h.seed(owner, docs);
    ids.forEach((id, i) =>
      rows.push({ id, title: docs[i]!.title, quality: docs[i]!.quality, createdAt: docs[i]!.createdAt }),
    );
    await h.seed(other, [{ title: 'not yours', content: 'document number 1' }]);
  });

  async function walk(
    viewer: Viewer,
    first: number,
    vars: Record<string, unknown> = {},
    between?: () => Promise<void>,
  ): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 1000; guard++) {
      const res: ExecutionResult<PageData> = await h.exec<PageData>(viewer, PAGE, { first, after, ...vars });
      expect(res.errors).toBeUndefined();
      const conn: PageData['resources'] = res.data!.resources;
      seen.push(...conn.edges.map((e) => e.node.id));
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) return seen;
      after = conn.pageInfo.endCursor;
      await between?.();
    }
    throw new Error('pagination did not end');
  }

  const cmpId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const expected = (key: (r: Row) => number | string | null, dir: 1 | -1): string[] =>
    [...rows]
      .sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x === null && y === null) return dir * cmpId(a, b);
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -dir : x > y ? dir : 0) || dir * cmpId(a, b);
      })
      .map((r) => r.id);

  it('walks 250 resources with no duplicates or gaps, newest first by default', async () => {
    const seen = await walk(owner, 37);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual(expected((r) => r.createdAt.getTime(), -1));
  });

  const orders: Array<[string, (r: Row) => number | string | null]> = [
    ['CREATED_AT', (r) => r.createdAt.getTime()],
    ['UPDATED_AT', () => null],
    ['QUALITY', (r) => r.quality],
    ['TITLE', (r) => r.title],
  ];
  for (const [field, key] of orders) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`orders by ${field} ${direction} with an id tie-breaker`, async () => {
        const seen = await walk(owner, 60, { orderBy: { field, direction } });
        expect(new Set(seen).size).toBe(250);
        if (field === 'UPDATED_AT') {
          const updated = await h.prisma.resource.findMany({
            where: { ownerId: owner.userId },
            select: { id: true, updatedAt: true },
          });
          const at = new Map(updated.map((u) => [u.id, u.updatedAt.getTime()]));
          expect(seen).toEqual(expected((r) => at.get(r.id)!, direction === 'ASC' ? 1 : -1));
        } else {
          expect(seen).toEqual(expected(key, direction === 'ASC' ? 1 : -1));
        }
      });
    }
  }

  it('never repeats or skips while others insert between pages (both directions)', async () => {
    const viewer = await h.createUser();
    const base = await h.seed(
      viewer,
      Array.from({ length: 60 }, (_, i) => ({ content: `x ${i}`, createdAt: new Date(T0 + i * 1000) })),
    );
    let n = 0;
    const insert = async () => {
      await h.seed(viewer, [
        { content: 'new', createdAt: new Date() },
        { content: 'old', createdAt: new Date(T0 - ++n * 1000) },
      ]);
    };
    for (const direction of ['DESC', 'ASC'] as const) {
      const seen = await walk(viewer, 7, { orderBy: { field: 'CREATED_AT', direction } }, insert);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of base) expect(seen).toContain(id);
    }
  });

  it('filters by status, language, minQuality, dates and text, and counts the filtered set', async () => {
    const viewer = await h.createUser();
    const [a, b, c, d] = await h.seed(viewer, [
      {
        title: 'Quantum entanglement',
        content: 'photons and spin',
        overallStatus: 'COMPLETED',
        language: 'en',
        quality: 0.9,
        createdAt: new Date(T0),
      },
      {
        title: 'Bread baking',
        content: 'sourdough starter and flour',
        overallStatus: 'FAILED',
        language: 'de',
        quality: 0.4,
        createdAt: new Date(T0 + 1000),
      },
      {
        title: 'Quantum cooking',
        content: 'sourdough photons',
        overallStatus: 'PROCESSING',
        language: 'en',
        quality: null,
        createdAt: new Date(T0 + 2000),
      },
      {
        title: 'Gardening',
        content: 'tomatoes',
        overallStatus: 'PENDING',
        language: null,
        quality: 0.6,
        createdAt: new Date(T0 + 3000),
      },
    ]);
    const ids = async (filter: Record<string, unknown>) => {
      const res = await h.exec<PageData>(viewer, PAGE, { first: 100, filter });
      expect(res.errors).toBeUndefined();
      expect(res.data!.resources.totalCount).toBe(res.data!.resources.edges.length);
      return res.data!.resources.edges.map((e) => e.node.id).sort();
    };
    expect(await ids({ status: 'FAILED' })).toEqual([b]);
    expect(await ids({ language: 'en' })).toEqual([a, c].sort());
    expect(await ids({ minQuality: 0.6 })).toEqual([a, d].sort());
    expect(await ids({ createdAfter: new Date(T0 + 1000).toISOString() })).toEqual([b, c, d].sort());
    expect(await ids({ createdBefore: new Date(T0 + 2000).toISOString() })).toEqual([a, b].sort());
    expect(await ids({ text: 'quantum' })).toEqual([a, c].sort());
    expect(await ids({ text: 'sourdough photon' })).toEqual([c]); // every word, stemmed
    expect(await ids({ text: 'quantum', status: 'COMPLETED' })).toEqual([a]);
    expect(await ids({ text: 'nothingmatches' })).toEqual([]);
  });

  it('filters by category including descendants', async () => {
    const viewer = await h.createUser();
    await h.ensureCategory('t-science', 'tscience');
    await h.ensureCategory('t-physics', 'tscience/physics', 't-science');
    await h.ensureCategory('t-cooking', 'tcooking');
    const [a, b] = await h.seed(viewer, [
      { content: 'a', categories: [['t-physics', 0.8]] },
      { content: 'b', categories: [['t-science', 0.7]] },
      { content: 'c', categories: [['t-cooking', 0.9]] },
    ]);
    const res = await h.exec<PageData>(viewer, PAGE, { first: 10, filter: { categoryId: 't-science' } });
    expect(res.data!.resources.edges.map((e) => e.node.id).sort()).toEqual([a, b].sort());
    const phys = await h.exec<PageData>(viewer, PAGE, { first: 10, filter: { categoryId: 't-physics' } });
    expect(phys.data!.resources.edges.map((e) => e.node.id)).toEqual([a]);
    const none = await h.exec<PageData>(viewer, PAGE, { first: 10, filter: { categoryId: 'no-such-category' } });
    expect(none.data!.resources.edges).toEqual([]);
  });

  it('refuses bad arguments with BAD_USER_INPUT', async () => {
    for (const vars of [
      { first: 0 },
      { first: 101 },
      { first: 10, after: 'not-a-cursor' },
      { first: 10, filter: { minQuality: 2 } },
      { first: 10, filter: { text: '   ' } },
      // Crafted cursors: right order, wrong value type for the sort key or an id that is no UUID.
      ...(
        [
          ['CREATED_AT', 'abc', '0b7c9f3e-8a1d-4e2f-9c3b-5d6e7f8a9b0c'],
          ['CREATED_AT', 1e300, '0b7c9f3e-8a1d-4e2f-9c3b-5d6e7f8a9b0c'],
          ['QUALITY', 'abc', '0b7c9f3e-8a1d-4e2f-9c3b-5d6e7f8a9b0c'],
          ['TITLE', 5, '0b7c9f3e-8a1d-4e2f-9c3b-5d6e7f8a9b0c'],
          ['CREATED_AT', 1, 'x'],
        ] as const
      ).map(([field, value, id]) => ({
        first: 10,
        after: Buffer.from(JSON.stringify([1, field, 'DESC', value, id])).toString('base64url'),
        orderBy: { field, direction: 'DESC' },
      })),
    ]) {
      expect(errorCode(await h.exec(owner, PAGE, vars)), JSON.stringify(vars)).toBe('BAD_USER_INPUT');
    }
    const first = await h.exec<PageData>(owner, PAGE, { first: 5 });
    const cursor = first.data!.resources.pageInfo.endCursor;
    const otherOrder = await h.exec(owner, PAGE, {
      first: 5,
      after: cursor,
      orderBy: { field: 'TITLE', direction: 'ASC' },
    });
    expect(errorCode(otherOrder)).toBe('BAD_USER_INPUT');
  });

  it('requires authentication', async () => {
    expect(errorCode(await h.exec(null, PAGE, { first: 5 }))).toBe('UNAUTHENTICATED');
  });
});
