import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const CREATE = 'mutation ($url: String!) { createResource(input: { url: $url }) { id url } }';

// PostgreSQL: the (owner, url) index row must fit a btree page, so the 2,048 limit is in bytes after
// percent-encoding, not in characters typed (a CJK character becomes 9 bytes).
describe('createResource url limits (PostgreSQL)', () => {
  let api: TestApi;
  let user: TestUser;
  beforeAll(async () => {
    api = await startTestApi({ provider: 'postgresql', env: { RATE_LIMIT_ENABLED: 'false' } });
    user = await createTestUser(api, { tier: 'PREMIUM' });
  }, 60_000);
  afterAll(async () => api?.close());

  it('refuses a short-looking URL that percent-encodes past 2,048 bytes with BAD_USER_INPUT, not a 500', async () => {
    const url = 'https://example.com/' + '字'.repeat(2_000);
    expect(url.length).toBeLessThan(2_048);
    const res = await graphql(api, CREATE, { url }, { token: user.accessToken });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe('input.url');
  });

  it('accepts an ASCII URL just under the limit', async () => {
    const url = 'https://example.com/' + 'a'.repeat(2_000);
    const res = await graphql<{ createResource: { id: string; url: string } }>(
      api,
      CREATE,
      { url },
      { token: user.accessToken },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createResource.url).toBe(url);
  });
});
