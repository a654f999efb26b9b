import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi } from '../support/api.js';

const CREATE = `mutation C($input: CreateResourceInput!) { createResource(input: $input) { id } }`;
const PROGRESS = `query P($id: ID!) { resourceProgress(id: $id) { overallStatus } }`;
const SEARCH = `query S($q: String!) { search(query: $q) { resource { id title } score keywordScore semanticScore snippet highlights { text } } }`;
const READ = `query R($id: ID!) { resource(id: $id) { id title contentPreview quality { overall } categories { category { path } }
  related { resource { id } kind } progress { overallStatus percent } } }`;
const LIST = `{ resources(first: 10) { totalCount edges { node { id } } } }`;

/** The whole path through the real server: HTTP, auth, createResource, the pipeline, then this slice. */
describe.each(['sqlite', 'postgresql'] as const)('resources API over HTTP on %s', (provider) => {
  it('creates, processes, lists, searches and deletes through the API', async () => {
    const api = await startTestApi({ provider });
    const alice = await createTestUser(api);
    const bob = await createTestUser(api);
    const texts = [
      [
        'Glaciers and climate',
        'Glaciers retreat as the climate warms. Meltwater raises sea levels and changes rivers that millions of people depend on for drinking water and farming.',
      ],
      [
        'Sourdough starter care',
        'Feed the sourdough starter with flour and water every day. Wild yeast and bacteria ferment the dough and make the bread rise with a tangy flavour.',
      ],
    ];
    const ids: string[] = [];
    for (const [title, content] of texts) {
      const res = await graphql<{ createResource: { id: string } }>(
        api,
        CREATE,
        { input: { title, content } },
        { token: alice.accessToken },
      );
      expect(res.body.errors).toBeUndefined();
      ids.push(res.body.data!.createResource.id);
    }
    for (const id of ids) {
      for (let i = 0; ; i++) {
        const res = await graphql<{ resourceProgress: { overallStatus: string } }>(
          api,
          PROGRESS,
          { id },
          { token: alice.accessToken },
        );
        const status = res.body.data?.resourceProgress.overallStatus;
        if (status === 'COMPLETED') break;
        expect(status).not.toBe('FAILED');
        if (i > 200) throw new Error('processing did not finish');
        await sleep(100);
      }
    }

    const hits = await graphql<{
      search: Array<{
        resource: { id: string };
        keywordScore: number | null;
        semanticScore: number | null;
        highlights: Array<{ text: string }>;
      }>;
    }>(api, SEARCH, { q: 'melting ice and rising seas' }, { token: alice.accessToken });
    expect(hits.body.errors).toBeUndefined();
    expect(hits.body.data!.search[0]!.resource.id).toBe(ids[0]);
    expect(hits.body.data!.search[0]!.semanticScore).toBeGreaterThan(0);
    const bobHits = await graphql<{ search: unknown[] }>(api, SEARCH, { q: 'glaciers' }, { token: bob.accessToken });
    expect(bobHits.body.data!.search).toEqual([]);

    const read = await graphql<{
      resource: {
        contentPreview: string;
        progress: { overallStatus: string; percent: number };
        quality: { overall: number } | null;
      };
    }>(api, READ, { id: ids[1] }, { token: alice.accessToken });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.resource.contentPreview).toMatch(/^Feed the sourdough starter/);
    expect(read.body.data!.resource.progress).toEqual({ overallStatus: 'COMPLETED', percent: 100 });
    expect(read.body.data!.resource.quality?.overall).toBeGreaterThan(0);
    const foreign = await graphql(api, READ, { id: ids[1] }, { token: bob.accessToken });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const list = await graphql<{ resources: { totalCount: number } }>(api, LIST, {}, { token: alice.accessToken });
    expect(list.body.data!.resources.totalCount).toBe(2);
    const unauth = await graphql(api, LIST);
    expect(unauth.status).toBe(401);

    const del = await graphql<{ deleteResource: boolean }>(
      api,
      `
        mutation ($id: ID!) {
          deleteResource(id: $id)
        }
      `,
      { id: ids[0] },
      { token: alice.accessToken },
    );
    expect(del.body.data!.deleteResource).toBe(true);
    const after = await graphql<{ search: Array<{ resource: { id: string } }> }>(
      api,
      SEARCH,
      { q: 'glaciers climate' },
      { token: alice.accessToken },
    );
    expect(after.body.data!.search.map((h) => h.resource.id)).not.toContain(ids[0]);
    const empty = await graphql(api, SEARCH, { q: '  ' }, { token: alice.accessToken });
    expect(empty.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await api.close();
  }, 60_000);
});
