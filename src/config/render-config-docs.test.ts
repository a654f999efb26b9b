import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './render-config-docs.js';
import { VARIABLES } from './variables.js';

describe('docs/configuration.md', () => {
  it('is the rendering of the variable list (run `npm run generate` when this fails)', () => {
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).toBe(renderConfigDocs());
  });

  it('documents every variable of DESIGN.md §5', () => {
    const names = new Set(VARIABLES.map((v) => v.name));
    for (const n of [
      'NODE_ENV',
      'PORT',
      'DATABASE_URL',
      'POSTGRES_SERVER',
      'POSTGRES_PORT',
      'POSTGRES_USER',
      'POSTGRES_PASSWORD',
      'POSTGRES_DB',
      'DB_POOL_MIN',
      'DB_POOL_MAX',
      'REDIS_URL',
      'JWT_SECRET_KEY',
      'JWT_ALGORITHM',
      'ACCESS_TOKEN_EXPIRE_MINUTES',
      'REFRESH_TOKEN_EXPIRE_DAYS',
      'OAUTH2_PROVIDERS',
      'TEST_MODE',
      'EMBEDDING_MODEL',
      'EMBEDDING_MODEL_PATH',
      'WORKER_CONCURRENCY',
      'LOG_LEVEL',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    expect([...names].some((n) => n.startsWith('RATE_LIMIT_'))).toBe(true);
  });
});
