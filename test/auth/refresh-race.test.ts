import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashOpaqueToken, randomOpaqueToken } from '../../src/shared/security/index.js';
import { createTestUser, graphql, startTestApi, type TestApi, type TestUser } from '../support/api.js';

const REFRESH = 'mutation($t: String!) { refresh(refreshToken: $t) { refreshToken } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }';
const LOGOUT = 'mutation($t: String) { logout(refreshToken: $t) }';

type Refresh = { refresh: { refreshToken: string } };

describe.each([{ provider: 'postgresql' as const }, { provider: 'sqlite' as const }])(
  'refresh races ($provider)',
  ({ provider }) => {
    let api: TestApi;
    let user: TestUser;
    beforeAll(async () => {
      api = await startTestApi({ provider, redis: provider === 'postgresql', env: { RATE_LIMIT_ENABLED: 'false' } });
      user = await createTestUser(api);
    });

    const freshRefreshToken = async () => {
      const res = await graphql<{ login: { refreshToken: string } }>(api, LOGIN, { e: user.email, p: user.password });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.login.refreshToken;
    };

    it('two parallel refreshes with one token never leave the winner alive after reuse detection (20 trials)', async () => {
      let reusedSeen = 0;
      for (let trial = 0; trial < 20; trial++) {
        const token = await freshRefreshToken();
        const results = await Promise.all([1, 2].map(() => graphql<Refresh>(api, REFRESH, { t: token })));
        const winners = results.filter((r) => !r.body.errors);
        expect(winners.length, `trial ${trial}`).toBe(1);
        const loser = results.find((r) => r.body.errors)!;
        const code = loser.body.errors?.[0]?.extensions?.code;
        if (code === 'REFRESH_TOKEN_REUSED') {
          reusedSeen++;
          const next = await graphql(api, REFRESH, { t: winners[0]!.body.data!.refresh.refreshToken });
          expect(next.body.errors?.[0]?.extensions?.code, `trial ${trial}: winner's token survived reuse`).toBe(
            'UNAUTHENTICATED',
          );
        }
      }
      // The loser is detected as a reuse of a rotated token (both read it before either retired it, or after).
      expect(reusedSeen).toBe(20);
    });

    it('a row that appears in a family after logout cannot refresh', async () => {
      const token = await freshRefreshToken();
      const row = await api.runtime.db.prisma.refreshToken.findUniqueOrThrow({
        where: { tokenHash: hashOpaqueToken(token) },
      });
      const out = await graphql(api, LOGOUT, { t: token }, { token: user.accessToken });
      expect(out.body.errors).toBeUndefined();
      // A late write (e.g. a rotation that lost the race) adds a live row to the ended family.
      const late = randomOpaqueToken();
      await api.runtime.db.prisma.refreshToken.create({
        data: {
          id: randomUUID(),
          familyId: row.familyId,
          userId: user.id,
          tokenHash: hashOpaqueToken(late),
          expiresAt: new Date(Date.now() + 3_600_000),
        },
      });
      const res = await graphql(api, REFRESH, { t: late });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const after = await api.runtime.db.prisma.refreshToken.findUniqueOrThrow({
        where: { tokenHash: hashOpaqueToken(late) },
      });
      expect(after.revokedAt).not.toBeNull();
    });

    it('reuse detection with no live row left marks the family ended for rows created later', async () => {
      const token = await freshRefreshToken();
      const row = await api.runtime.db.prisma.refreshToken.findUniqueOrThrow({
        where: { tokenHash: hashOpaqueToken(token) },
      });
      // Simulate the old race: the token is retired, its successor not stored yet.
      await api.runtime.db.prisma.refreshToken.update({
        where: { id: row.id },
        data: { revokedAt: new Date(), replacedBy: randomUUID() },
      });
      const replay = await graphql(api, REFRESH, { t: token });
      expect(replay.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
      const late = randomOpaqueToken();
      await api.runtime.db.prisma.refreshToken.create({
        data: {
          familyId: row.familyId,
          userId: user.id,
          tokenHash: hashOpaqueToken(late),
          expiresAt: new Date(Date.now() + 3_600_000),
        },
      });
      const res = await graphql(api, REFRESH, { t: late });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  },
);
