import {
  buildClientSchema,
  getIntrospectionQuery,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type IntrospectionQuery,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, graphql, startTestApi, type TestApi } from '../support/api.js';

/** DESIGN.md §3: the only operations that work without a token. */
const PUBLIC = new Set(['register', 'login', 'refresh', 'oauthAuthorizeUrl', 'oauthCallback', 'health']);

/** A valid operation selecting just `field`: every argument becomes a variable of its exact type (values left out). */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const vars = field.args.map((a, i) => `$a${i}: ${String(a.type)}`);
  const args = field.args.map((a, i) => `${a.name}: $a${i}`);
  let named = field.type;
  while ('ofType' in named && named.ofType) named = named.ofType as typeof named;
  const selection = 'getFields' in named || 'getTypes' in named ? ' { __typename }' : '';
  return `${kind} Probe${vars.length ? `(${vars.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe.each([{ provider: 'sqlite' as const }, { provider: 'postgresql' as const }])(
  'global enforcement ($provider)',
  ({ provider }) => {
    let api: TestApi;
    const roots: Array<{ kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }> = [];
    beforeAll(async () => {
      api = await startTestApi({ provider });
      const res = await graphql<IntrospectionQuery>(api, getIntrospectionQuery());
      const schema = buildClientSchema(res.body.data!);
      for (const [kind, type] of [
        ['query', schema.getQueryType()],
        ['mutation', schema.getMutationType()],
      ] as Array<['query' | 'mutation', GraphQLObjectType | null | undefined]>) {
        if (type && isObjectType(type))
          for (const field of Object.values(type.getFields())) roots.push({ kind, field });
      }
    });

    it('finds the auth operations in the served schema', () => {
      const names = roots.map((r) => r.field.name);
      for (const n of ['me', 'register', 'login', 'refresh', 'logout', 'oauthAuthorizeUrl', 'oauthCallback', 'health'])
        expect(names).toContain(n);
    });

    it('rejects every non-public root field without a token (401, WWW-Authenticate), and lets public ones through', async () => {
      const checked: string[] = [];
      for (const { kind, field } of roots) {
        const res = await graphql(api, operationFor(kind, field));
        const code = res.body.errors?.[0]?.extensions?.code;
        if (PUBLIC.has(field.name)) {
          expect(code, field.name).not.toBe('UNAUTHENTICATED');
        } else {
          expect({ field: field.name, status: res.status, code, header: res.headers.get('www-authenticate') }).toEqual({
            field: field.name,
            status: 401,
            code: 'UNAUTHENTICATED',
            header: 'Bearer',
          });
        }
        checked.push(field.name);
      }
      expect(checked.length).toBe(roots.length);
    });

    it('rejects every non-public root field with an invalid token too', async () => {
      for (const { kind, field } of roots.filter((r) => !PUBLIC.has(r.field.name))) {
        const res = await graphql(api, operationFor(kind, field), {}, { token: 'not.a.jwt' });
        expect([field.name, res.status]).toEqual([field.name, 401]);
      }
    });

    it('a mixed operation (public + private field) is rejected as a whole', async () => {
      const res = await graphql(api, '{ health { status } me { id } }');
      expect(res.status).toBe(401);
      expect(res.body.data ?? null).toBeNull();
    });

    it('public operations still work when an invalid token is presented (the token is ignored for them)', async () => {
      const res = await graphql<{ health: { status: string } }>(api, '{ health { status } }', {}, { token: 'garbage' });
      expect(res.status).toBe(200);
      expect(res.body.data?.health.status).toBeDefined();
      const user = await createTestUser(api);
      const login = await graphql(
        api,
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
        { e: user.email, p: user.password },
        { token: 'garbage' },
      );
      expect(login.body.errors).toBeUndefined();
    });

    it('GET /monitoring/health needs no token', async () => {
      const res = await fetch(`${api.baseUrl}/monitoring/health`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toMatch(/healthy|degraded/);
    });

    it('graphql-ws: no token and a bad token close with 4401; a valid token is acknowledged', async () => {
      const { default: WebSocket } = await import('ws');
      const attempt = (payload: Record<string, unknown>) =>
        new Promise<string>((resolve, reject) => {
          const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws');
          ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload })));
          ws.on('message', (data: Buffer) => {
            const msg = JSON.parse(data.toString()) as { type: string };
            if (msg.type === 'connection_ack') {
              ws.close();
              resolve('ack');
            }
          });
          ws.on('close', (code) => resolve(String(code)));
          ws.on('error', reject);
        });
      const user = await createTestUser(api);
      expect(await attempt({})).toBe('4401');
      expect(await attempt({ authorization: 'Bearer nope' })).toBe('4401');
      expect(await attempt({ authorization: `Bearer ${user.accessToken}` })).toBe('ack');
    });
  },
);
