/**
 * A real Pharos API (Express + Apollo + graphql-ws) on a free loopback port, on a fresh PostgreSQL
 * database or SQLite file, with or without Redis, for integration tests.
 *
 *   const api = await startTestApi({ provider: 'postgresql', redis: true });
 *   const user = await createTestUser(api, { tier: 'PREMIUM' });
 *   const res = await graphql(api, '{ me { id tier } }', {}, { token: user.accessToken });
 *
 * Everything is closed in the importing file's afterAll (registerCleanup); `close()` may be called earlier.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Config, Tier } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { applyMigrations } from '../../src/shared/database/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { startApi, type ApiRuntime } from '../../src/server/start-api.js';
import { testEmbeddingEnv } from './test-model.js';
import {
  createTestPostgresDatabase,
  createTestSqliteUrl,
  registerCleanup,
  testRedisUrl,
  uniqueId,
} from './services.js';

export interface StartTestApiOptions {
  readonly provider?: 'postgresql' | 'sqlite';
  /** Use the shared test Redis (with a unique key prefix); default false = embedded mode. */
  readonly redis?: boolean;
  /** Extra environment variables (override the defaults below). */
  readonly env?: Record<string, string>;
}

export interface TestApi {
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** ws://127.0.0.1:<port>/graphql */
  readonly wsUrl: string;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly runtime: ApiRuntime;
  readonly config: Config;
  /** Every log line the API wrote (parsed JSON), for security-log assertions. */
  readonly logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts the API. Defaults: NODE_ENV=test, SQLite, embedded mode, random JWT secret, LOG_LEVEL=info
 * captured into `logs` (nothing printed), migrations applied.
 */
export async function startTestApi(options: StartTestApiOptions = {}): Promise<TestApi> {
  const provider = options.provider ?? 'sqlite';
  const databaseUrl = provider === 'postgresql' ? (await createTestPostgresDatabase()).url : createTestSqliteUrl().url;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    DB_POOL_MIN: '0',
    DB_POOL_MAX: '5',
    JWT_SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'info',
    REDIS_KEY_PREFIX: `${uniqueId('pharos')}:`,
    ...(options.redis ? { REDIS_URL: testRedisUrl() } : {}),
    // The 5k-word test model (built once per run) instead of the 50k default.
    ...testEmbeddingEnv(),
    ...options.env,
  };
  const config = loadConfig(env);
  await applyMigrations({ url: config.database.url.reveal() });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const runtime = await startApi({ config, logger });
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= runtime.close());
  registerCleanup(close);
  const baseUrl = `http://127.0.0.1:${runtime.port}`;
  return {
    url: `${baseUrl}/graphql`,
    wsUrl: `ws://127.0.0.1:${runtime.port}/graphql`,
    baseUrl,
    runtime,
    config,
    logs,
    close,
  };
}

export interface GraphqlResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs one operation. `token` becomes `Authorization: Bearer <token>`; `authorization` is sent verbatim. */
export async function graphql<T = Record<string, unknown>>(
  api: Pick<TestApi, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; authorization?: string; headers?: Record<string, string> } = {},
): Promise<GraphqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const res = await fetch(api.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlResponse<T>['body'] };
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

const AUTH_FIELDS = 'accessToken refreshToken user { id email tier }';

/**
 * Registers a user with a unique email through the real `register` mutation; for another tier, sets it
 * in the database and logs in again so the tokens carry it.
 * @throws when the API answers with errors.
 */
export async function createTestUser(
  api: TestApi,
  options: { tier?: Tier; email?: string; password?: string; name?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? `${uniqueId('user')}@example.test`;
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  type Payload = { accessToken: string; refreshToken: string; user: { id: string; email: string } };
  const reg = await graphql<{ register: Payload }>(
    api,
    `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    {
      input: { email, password, name: options.name ?? null },
    },
  );
  let payload = reg.body.data?.register;
  if (!payload) throw new Error(`register failed: ${JSON.stringify(reg.body.errors)}`);
  if (options.tier && options.tier !== 'FREE') {
    await api.runtime.db.prisma.user.update({ where: { id: payload.user.id }, data: { tier: options.tier } });
    const res = await graphql<{ login: Payload }>(
      api,
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH_FIELDS} } }`,
      { e: email, p: password },
    );
    payload = res.body.data?.login;
    if (!payload) throw new Error(`login failed: ${JSON.stringify(res.body.errors)}`);
  }
  return {
    id: payload.user.id,
    email: payload.user.email,
    password,
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
  };
}
