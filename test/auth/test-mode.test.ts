import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createTestUser, graphql, startTestApi } from '../support/api.js';

/** A production JWT_SECRET_KEY must look random (length alone is not enough). */
const PROD_SECRET = randomBytes(32).toString('base64url');

const ME = '{ me { id email tier } }';

describe.each([{ provider: 'sqlite' as const }, { provider: 'postgresql' as const }])(
  'TEST_MODE ($provider)',
  ({ provider }) => {
    it('on: a request without a token acts as the configured test user and tier; a presented token is still verified', async () => {
      const api = await startTestApi({
        provider,
        env: { TEST_MODE: 'true', TEST_USER_EMAIL: 'Tester@Pharos.Local', TEST_USER_TIER: 'PREMIUM' },
      });
      const first = await graphql<{ me: { id: string; email: string; tier: string } }>(api, ME);
      expect(first.status).toBe(200);
      expect(first.body.data?.me).toMatchObject({ email: 'tester@pharos.local', tier: 'PREMIUM' });
      const again = await graphql<{ me: { id: string } }>(api, ME);
      expect(again.body.data?.me.id).toBe(first.body.data?.me.id);

      expect((await graphql(api, ME, {}, { token: 'forged.token.value' })).status).toBe(401);
      const user = await createTestUser(api);
      const real = await graphql<{ me: { id: string } }>(api, ME, {}, { token: user.accessToken });
      expect(real.body.data?.me.id).toBe(user.id);
    });

    it('off: a request without a token is refused, whatever the client sends', async () => {
      const api = await startTestApi({ provider });
      for (const headers of [{}, { 'x-test-mode': 'true' }, { 'x-test-user': 'test@pharos.local' }] as Array<
        Record<string, string>
      >) {
        const res = await graphql(api, ME, {}, { headers });
        expect(res.status).toBe(401);
      }
    });
  },
);

describe('TEST_MODE in production', () => {
  it('is refused at startup', () => {
    const env = { NODE_ENV: 'production', TEST_MODE: 'true', JWT_SECRET_KEY: PROD_SECRET };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toContain('TEST_MODE');
    }
    expect(() => loadConfig({ ...env, TEST_MODE: 'false' })).not.toThrow();
  });

  it('insecure OAuth provider settings are refused in production too', () => {
    const providers = JSON.stringify([
      {
        name: 'keycloak',
        issuer: 'http://127.0.0.1:1',
        clientId: 'a',
        clientSecret: 'b',
        redirectUris: ['https://app.example/cb'],
        allowInsecureRequests: true,
      },
    ]);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: PROD_SECRET, OAUTH2_PROVIDERS: providers }),
    ).toThrow(/OAUTH2_PROVIDERS/);
  });
});
