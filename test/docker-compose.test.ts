import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from './support/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const composeFile = path.join(root, 'docker-compose.dev.yml');

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(composeFile, 'utf8')) as ComposeFile;

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.dev.yml has no service ${name}`);
  return found;
}

/** Compose's `${VAR:-default}` interpolation (default when unset or empty) and `$$` escapes. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\$|\$\{(\w+):-([^}]*)\}/g, (match, name: string | undefined, fallback: string) =>
    match === '$$' ? '$' : env[name ?? ''] || fallback,
  );
}

const asText = (value: string[] | string | undefined): string =>
  Array.isArray(value) ? value.join(' ') : (value ?? '');

describe('docker-compose.dev.yml', () => {
  it('defines exactly the postgres and redis services, no application', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis']);
  });

  it('runs PostgreSQL 15 on port 5432 with its data in the pharos-pg-data volume', () => {
    const postgres = service('postgres');
    expect(postgres.image).toBe('postgres:15');
    expect(postgres.ports?.map((p) => interpolate(p))).toEqual(['127.0.0.1:5432:5432']);
    expect(postgres.ports?.map((p) => interpolate(p, { POSTGRES_PORT: '15432' }))).toEqual(['127.0.0.1:15432:5432']);
    expect(postgres.volumes).toEqual(['pharos-pg-data:/var/lib/postgresql/data']);
    expect(compose.volumes).toHaveProperty('pharos-pg-data');
  });

  it.each([
    ['POSTGRES_USER', 'pharos'],
    ['POSTGRES_PASSWORD', 'pharos'],
    ['POSTGRES_DB', 'pharos'],
  ])('takes %s from the environment, defaulting to %s', (name, fallback) => {
    const value = service('postgres').environment?.[name] ?? '';
    expect(value).toBe(`\${${name}:-${fallback}}`);
    expect(interpolate(value)).toBe(fallback);
    expect(interpolate(value, { [name]: 'custom' })).toBe('custom');
  });

  it('health-checks PostgreSQL with pg_isready as the configured user', () => {
    const test = service('postgres').healthcheck?.test;
    expect(Array.isArray(test) && test[0]).toBe('CMD-SHELL');
    expect(interpolate(asText(test))).toContain('pg_isready -U "${POSTGRES_USER}"');
  });

  it('runs Redis 7 on port 6379, persisting with AOF and never evicting keys', () => {
    const redis = service('redis');
    expect(redis.image).toBe('redis:7');
    expect(redis.ports?.map((p) => interpolate(p))).toEqual(['127.0.0.1:6379:6379']);
    const command = asText(redis.command);
    expect(command).toMatch(/^redis-server /);
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    const [volume] = redis.volumes ?? [];
    expect(volume).toMatch(/^[\w-]+:\/data$/);
    expect(compose.volumes).toHaveProperty(volume!.split(':')[0]!);
  });

  it('health-checks Redis with redis-cli ping', () => {
    expect(asText(service('redis').healthcheck?.test)).toMatch(/^CMD(-SHELL)? redis-cli ping$/);
  });
});

function dockerWorks(): boolean {
  const run = (args: string[]): boolean => spawnSync('docker', args, { stdio: 'ignore', timeout: 5000 }).status === 0;
  return run(['info']) && run(['compose', 'version']);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

// Only where a Docker engine answers (never on the CI machine described in MACHINE.md).
describe.skipIf(!dockerWorks())('docker-compose.dev.yml on a real Docker engine', { timeout: 600_000 }, () => {
  const env: Record<string, string> = {};
  const composeRun = (...args: string[]): void => {
    const result = spawnSync('docker', ['compose', '-f', composeFile, '-p', 'pharos_test', ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (result.status !== 0) throw new Error(`docker compose ${args.join(' ')} failed:\n${result.stderr}`);
  };
  const pgUrl = (): string => `postgresql://pharos:pharos@127.0.0.1:${env.POSTGRES_PORT}/pharos`;
  const redisUrl = (): string => `redis://127.0.0.1:${env.REDIS_PORT}`;

  beforeAll(async () => {
    // Free ports, so a developer's running stack on 5432/6379 does not collide.
    env.POSTGRES_PORT = String(await freePort());
    env.REDIS_PORT = String(await freePort());
    for (const name of ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']) env[name] = '';
    composeRun('up', '-d', '--wait');
  }, 600_000);
  afterAll(() => composeRun('down', '-v', '--remove-orphans'), 120_000);

  it('keeps PostgreSQL rows and Redis keys across a restart of the stack', async () => {
    expect(await canConnect(Number(env.POSTGRES_PORT))).toBe(true);
    expect(await canConnect(Number(env.REDIS_PORT))).toBe(true);

    const db = new pg.Client({ connectionString: pgUrl() });
    await db.connect();
    await db.query('CREATE TABLE persisted (v text)');
    await db.query("INSERT INTO persisted VALUES ('row')");
    await db.end();
    const redis = new Redis(redisUrl());
    await redis.set('persisted', 'key');
    await redis.quit();

    composeRun('down');
    composeRun('up', '-d', '--wait');

    const db2 = new pg.Client({ connectionString: pgUrl() });
    await db2.connect();
    expect((await db2.query('SELECT v FROM persisted')).rows).toEqual([{ v: 'row' }]);
    await db2.end();
    const redis2 = new Redis(redisUrl());
    expect(await redis2.get('persisted')).toBe('key');
    await redis2.quit();
  });
});
