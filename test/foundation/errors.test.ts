import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arg, Field, ObjectType, Query, Resolver, buildSchema } from 'type-graphql';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { createApp, type App } from '../../src/server/create-app.js';
import { requireAuthentication } from '../../src/server/require-authentication.js';
import { AppError } from '../../src/shared/errors.js';
import { createLogger } from '../../src/shared/logger.js';

@ObjectType()
class Thing {
  @Field(() => String)
  name!: string;
}

// Fixture resolvers: one always throws an internal error carrying secrets, one a client error.
@Resolver()
class FixtureResolver {
  @Query(() => Thing)
  explode(): Thing {
    throw new Error('connect ECONNREFUSED postgresql://admin:s3cr3t@db:5432/x SELECT * FROM users');
  }

  @Query(() => Thing, { nullable: true })
  explodeNullable(): Thing {
    throw new TypeError('cannot read properties of undefined (reading "password")');
  }

  @Query(() => Thing)
  missing(@Arg('id', () => String) id: string): Thing {
    throw new AppError('NOT_FOUND', `Thing ${id} not found`, { internal: { sql: 'SELECT secret' } });
  }

  @Query(() => String)
  publicHello(): string {
    return 'hello';
  }

  @Query(() => String)
  privateHello(): string {
    return 'private';
  }
}

let app: App;
let url: string;
const logLines: string[] = [];

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });
  const schema = await buildSchema({ resolvers: [FixtureResolver], validate: false });
  app = await createApp({
    config,
    logger,
    schema,
    guards: [requireAuthentication(['publicHello', 'explode', 'explodeNullable', 'missing'])],
    authenticate: async (h) =>
      h
        ? { viewer: null, authError: new AppError('UNAUTHENTICATED', 'Invalid access token') }
        : { viewer: null, authError: null },
  });
  const port = await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}/graphql`;
});
afterAll(async () => app?.close());

async function gql(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
    },
  };
}

describe('error mapping (production)', () => {
  it('masks an internal error: generic message, INTERNAL_SERVER_ERROR, no stack, details only in the log', async () => {
    const { body } = await gql('{ explode { name } }');
    const err = body.errors?.[0];
    expect(err?.message).toBe('Internal server error');
    expect(err?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(body)).not.toMatch(/s3cr3t|SELECT|stack|ECONNREFUSED/);
    expect(logLines.join('')).toContain('unhandled error in GraphQL operation');
  });

  it('masks errors in nullable fields too and keeps data', async () => {
    const { status, body } = await gql('{ explodeNullable { name } publicHello }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ explodeNullable: null, publicHello: 'hello' });
    expect(body.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('passes an AppError through with its code and safe message, never its internal details', async () => {
    const { status, body } = await gql('{ missing(id: "42") { name } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'Thing 42 not found', extensions: { code: 'NOT_FOUND' } });
    expect(JSON.stringify(body)).not.toContain('SELECT secret');
    expect(status).toBe(404);
  });

  it('maps parse and validation errors to BAD_USER_INPUT with status 400', async () => {
    for (const q of ['{ explode { ', '{ nope }']) {
      const { status, body } = await gql(q);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('answers a non-public operation without a token with 401, UNAUTHENTICATED and WWW-Authenticate', async () => {
    const { status, headers, body } = await gql('{ privateHello }');
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });

  it('lets public operations through without a token, and reports a refused token only where auth is needed', async () => {
    expect((await gql('{ publicHello }')).body.data).toEqual({ publicHello: 'hello' });
    expect((await gql('{ publicHello }', { authorization: 'Bearer junk' })).body.data).toEqual({
      publicHello: 'hello',
    });
    const mixed = await gql('{ publicHello privateHello }', { authorization: 'Bearer junk' });
    expect(mixed.status).toBe(401);
    expect(mixed.body.errors?.[0]?.message).toBe('Invalid access token');
  });

  it('rejects malformed JSON bodies with 400 and a structured error', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(url.replace('/graphql', '/nope'));
    expect(res.status).toBe(404);
  });

  it('disables introspection in production', async () => {
    const { body } = await gql('{ __schema { queryType { name } } }');
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});
