import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestSqliteUrl } from '../support/services.js';
import { testModelsDir } from '../support/test-model.js';

const root = path.resolve(import.meta.dirname, '../..');

// The real retry schedule (1, 2, 4, 8, 16 s): this test takes about 31 s on purpose.
describe('worker start-up when the embedding model cannot be loaded', () => {
  it('retries at 1, 2, 4, 8 and 16 s, then exits non-zero with one clear line', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            LOG_LEVEL: 'info',
            DATABASE_URL: createTestSqliteUrl().url,
            EMBEDDING_MODEL: 'no-such-org/no-such-model',
            EMBEDDING_MODEL_PATH: testModelsDir(),
            EMBEDDING_ALLOW_REMOTE: 'false',
          },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += String(d)));
        child.stderr.on('data', (d: Buffer) => (err += String(d)));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
      },
    );
    const elapsed = Date.now() - started;
    expect(code).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(31_000);
    const retries = stdout
      .split('\n')
      .filter((l) => l.includes('embedding model failed to load, retrying'))
      .map((l) => (JSON.parse(l) as { delayMs: number }).delayMs);
    expect(retries).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Worker failed to start: Could not load embedding model "no-such-org\/no-such-model" after 6 attempts/,
    );
  }, 90_000);
});
