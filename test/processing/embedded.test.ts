import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';
import { testEmbeddingEnv } from '../support/test-model.js';
import { PHOTOSYNTHESIS } from './fixtures.js';
import { isFinal, watchProgress } from './worker-harness.js';

const CREATE = `mutation($input: CreateResourceInput!) { createResource(input: $input) { id title url } }`;
let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = await startTestApi({ provider: 'sqlite', env: testEmbeddingEnv() });
  user = await createTestUser(api);
});

describe('embedded mode (in-process queue and worker)', () => {
  it('runs the same pipeline inside the API process', async () => {
    const res = await graphql<{ createResource: { id: string; title: string | null } }>(
      api,
      CREATE,
      { input: { content: PHOTOSYNTHESIS, title: 'My notes' } },
      { token: user.accessToken },
    );
    const id = res.body.data!.createResource.id;
    expect(res.body.data!.createResource.title).toBe('My notes');
    const final = await watchProgress(api, user.accessToken, id).until(isFinal);
    expect(final.overallStatus).toBe('COMPLETED');
    const row = await api.runtime.db.prisma.resource.findUniqueOrThrow({ where: { id }, include: { chunks: true } });
    expect(row).toMatchObject({ title: 'My notes', language: 'en', overallStatus: 'COMPLETED' });
    expect(row.chunks.length).toBeGreaterThan(0);
    expect(api.logs.some((l) => l.msg === 'worker ready' && l.mode === 'embedded')).toBe(true);
  });

  it('reprocessResource runs every stage again and replaces the outputs', async () => {
    const created = await graphql<{ createResource: { id: string } }>(
      api,
      CREATE,
      { input: { content: `${PHOTOSYNTHESIS} Reprocess me.` } },
      { token: user.accessToken },
    );
    const id = created.body.data!.createResource.id;
    await watchProgress(api, user.accessToken, id).until(isFinal);
    const chunksBefore = await api.runtime.db.prisma.resourceChunk.count({ where: { resourceId: id } });
    const watch = watchProgress(api, user.accessToken, id);
    await watch.until(isFinal);
    const seenBefore = watch.events.length;
    const again = await graphql<{ reprocessResource: { id: string } }>(
      api,
      `
        mutation ($id: ID!) {
          reprocessResource(id: $id) {
            id
          }
        }
      `,
      { id },
      { token: user.accessToken },
    );
    expect(again.body.data!.reprocessResource.id).toBe(id);
    await watch.until((e) => watch.events.indexOf(e) >= seenBefore && e.overallStatus === 'PENDING');
    await watch.until((e) => watch.events.indexOf(e) > seenBefore && e.overallStatus === 'COMPLETED');
    expect(watch.events.slice(seenBefore).some((e) => e.stages[1]!.status === 'PROCESSING')).toBe(true);
    expect(await api.runtime.db.prisma.resourceChunk.count({ where: { resourceId: id } })).toBe(chunksBefore);
    const other = await createTestUser(api);
    const foreign = await graphql(
      api,
      `
        mutation ($id: ID!) {
          reprocessResource(id: $id) {
            id
          }
        }
      `,
      { id },
      { token: other.accessToken },
    );
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it.each([
    ['no source', {}, 'input.url'],
    ['both sources', { url: 'https://a.example', content: 'text' }, 'input.url'],
    ['an ftp URL', { url: 'ftp://a.example/x' }, 'input.url'],
    ['a relative URL', { url: 'not a url' }, 'input.url'],
    ['a URL over 2,048 characters', { url: `https://a.example/${'x'.repeat(2_048)}` }, 'input.url'],
    ['blank content', { content: '   ' }, 'input.content'],
    ['content over 5 MB', { content: 'x'.repeat(5 * 1024 * 1024 + 1) }, 'input.content'],
    ['a title over 500 characters', { content: 'Some text', title: 't'.repeat(501) }, 'input.title'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_label, input, field) => {
    const res = await graphql(api, CREATE, { input }, { token: user.accessToken });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('needs authentication', async () => {
    const res = await graphql(api, CREATE, { input: { content: PHOTOSYNTHESIS } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
