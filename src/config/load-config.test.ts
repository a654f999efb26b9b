import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, getDatabaseUrl, loadConfig, normalizeDatabaseUrl, Secret } from './index.js';

const SECRET = 'q7Vd2-LmZ9x_Rk4tWb8nHc3JfP0sYe6uAg1iKo5rTz';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('applies the documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.nodeEnv).toBe('development');
    expect(c.port).toBe(4000);
    expect(getDatabaseUrl(c)).toBe('file:./data/pharos.db');
    expect(c.database.provider).toBe('sqlite');
    expect(c.database.poolMin).toBe(5);
    expect(c.database.poolMax).toBe(20);
    expect(c.redis.url).toBeNull();
    expect(c.auth.jwtAlgorithm).toBe('HS256');
    expect(c.auth.accessTokenExpireMinutes).toBe(30);
    expect(c.auth.refreshTokenExpireDays).toBe(7);
    expect(c.auth.jwtSecretGenerated).toBe(true);
    expect(c.testMode.enabled).toBe(false);
    expect(c.rateLimit.tiers.FREE).toEqual({ perMinute: 100, perHour: 1000, perDay: 10000 });
    expect(c.rateLimit.tiers.PREMIUM).toEqual({ perMinute: 1000, perHour: 20000, perDay: 200000 });
    expect(c.rateLimit.tiers.ADMIN).toEqual({ perMinute: null, perHour: null, perDay: null });
    expect(c.introspection).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '  ', REDIS_URL: '' });
    expect(c.port).toBe(4000);
    expect(getDatabaseUrl(c)).toBe('file:./data/pharos.db');
    expect(c.redis.url).toBeNull();
  });

  it('builds the PostgreSQL URL from POSTGRES_* with URL-encoded credentials, overriding DATABASE_URL', () => {
    const c = loadConfig({
      DATABASE_URL: 'file:./ignored.db',
      POSTGRES_SERVER: 'db.internal',
      POSTGRES_PORT: '6543',
      POSTGRES_USER: 'pha ros',
      POSTGRES_PASSWORD: 'p@ss:w/rd#1',
      POSTGRES_DB: 'kb',
    });
    expect(getDatabaseUrl(c)).toBe('postgresql://pha%20ros:p%40ss%3Aw%2Frd%231@db.internal:6543/kb');
    expect(c.database.provider).toBe('postgresql');
    const parsed = new URL(getDatabaseUrl(c));
    expect(decodeURIComponent(parsed.password)).toBe('p@ss:w/rd#1');
  });

  it.each([
    ['postgresql+asyncpg://u:p@h:5432/db', 'postgresql://u:p@h:5432/db'],
    ['postgres://u@h/db', 'postgresql://u@h/db'],
    ['postgresql://u@h/db', 'postgresql://u@h/db'],
    ['sqlite+aiosqlite:///./backend.db', 'file:./backend.db'],
    ['sqlite+aiosqlite:////var/lib/pharos.db', 'file:/var/lib/pharos.db'],
    ['sqlite:///data.db', 'file:data.db'],
    ['file:./data/x.db', 'file:./data/x.db'],
  ])('normalises %s', (input, expected) => {
    expect(normalizeDatabaseUrl(input)).toBe(expected);
    expect(getDatabaseUrl(loadConfig({ DATABASE_URL: input }))).toBe(expected);
  });

  it('names every bad variable in one error', () => {
    const err = errorOf({
      PORT: 'eighty',
      DB_POOL_MAX: '-1',
      JWT_ALGORITHM: 'RS256',
      TEST_MODE: 'maybe',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    const names = err.problems.map((p) => p.variable).sort();
    expect(names).toEqual(['DATABASE_URL', 'DB_POOL_MAX', 'JWT_ALGORITHM', 'LOG_LEVEL', 'PORT', 'TEST_MODE']);
    for (const n of names) expect(err.message).toContain(n);
  });

  it('rejects a pool minimum above the maximum', () => {
    expect(errorOf({ DB_POOL_MIN: '30', DB_POOL_MAX: '20' }).problems.map((p) => p.variable)).toEqual(['DB_POOL_MIN']);
  });

  it.each([
    [{ NODE_ENV: 'production', TEST_MODE: 'true', JWT_SECRET_KEY: SECRET }, ['TEST_MODE']],
    [{ NODE_ENV: 'production' }, ['JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', JWT_SECRET_KEY: 'short-secret-of-20by' }, ['JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', TEST_MODE: '1' }, ['TEST_MODE', 'JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', JWT_SECRET_KEY: 'a'.repeat(32) }, ['JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', JWT_SECRET_KEY: 'my-super-secret-jwt-key-for-prod' }, ['JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', JWT_SECRET_KEY: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ' }, ['JWT_SECRET_KEY']],
    [{ NODE_ENV: 'production', JWT_SECRET_KEY: 'Xr4_pQ9vLm2sT7wBXr4_pQ9vLm2sT7wB' }, ['JWT_SECRET_KEY']],
  ])('production refuses unsafe settings %#', (env, bad) => {
    expect(
      errorOf(env as Record<string, string>)
        .problems.map((p) => p.variable)
        .sort(),
    ).toEqual([...bad].sort());
  });

  it('accepts production with a random 32-byte secret and turns introspection off', () => {
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: 'Xr4_pQ9vLm2sT7wBz0cK5nJd8hFa3eGy' });
    expect(c.isProduction).toBe(true);
    expect(c.introspection).toBe(false);
    expect(c.auth.jwtSecretGenerated).toBe(false);
  });

  it('allows TEST_MODE outside production', () => {
    expect(loadConfig({ TEST_MODE: 'true', TEST_USER_TIER: 'PREMIUM' }).testMode).toEqual({
      enabled: true,
      userEmail: 'test@pharos.local',
      userTier: 'PREMIUM',
    });
  });

  it('never prints a secret value: toString, JSON, inspect, template literals, and error messages', () => {
    const c = loadConfig({
      JWT_SECRET_KEY: SECRET,
      POSTGRES_SERVER: 'h',
      POSTGRES_PASSWORD: 'pg-password-123',
      REDIS_URL: 'redis://:redis-pass@h:6379',
    });
    const dumps = [JSON.stringify(c), inspect(c, { depth: 10 }), String(c.auth.jwtSecret), `${c.auth.jwtSecret}`];
    for (const d of dumps) {
      expect(d).not.toContain(SECRET);
      expect(d).not.toContain('pg-password-123');
      expect(d).not.toContain('redis-pass');
    }
    expect(JSON.stringify(c)).toContain('[REDACTED]');
    expect(c.auth.jwtSecret.reveal()).toBe(SECRET);
    const err = errorOf({
      NODE_ENV: 'production',
      JWT_SECRET_KEY: 'tiny-secret-value',
      OAUTH2_PROVIDERS: '[{"name":"x","clientSecret":"oauth-secret-zz"}]',
    });
    expect(err.message).not.toContain('tiny-secret-value');
    expect(err.message).not.toContain('oauth-secret-zz');
  });

  it('reads .env under the real environment', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'pharos-env-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, 'PORT=5000\nLOG_LEVEL=debug\n');
    const c = loadConfig({ PORT: '6000' }, { envFile: file });
    expect(c.port).toBe(6000);
    expect(c.logLevel).toBe('debug');
  });

  it('parses OAuth providers with defaults and wraps client secrets', () => {
    const c = loadConfig({
      OAUTH2_PROVIDERS: JSON.stringify([
        { name: 'google', clientId: 'g', clientSecret: 'gs', redirectUris: ['https://app.example/cb'] },
        { name: 'github', clientId: 'h', clientSecret: 'hs', redirectUris: ['https://app.example/cb'] },
      ]),
    });
    const [google, github] = c.auth.oauthProviders;
    expect(google?.name).toBe('GOOGLE');
    expect(google?.kind).toBe('oidc');
    expect(google?.issuer).toBe('https://accounts.google.com');
    expect(github?.kind).toBe('github');
    expect(github?.clientSecret).toBeInstanceOf(Secret);
    expect(JSON.stringify(c.auth.oauthProviders)).not.toContain('"hs"');
  });
});

describe('Secret', () => {
  it('redacts in every string conversion', () => {
    const s = new Secret('hunter2');
    expect(String(s)).toBe('[REDACTED]');
    expect(JSON.stringify({ s })).toBe('{"s":"[REDACTED]"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
    expect(s.byteLength).toBe(7);
  });
});
