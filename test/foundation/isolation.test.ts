import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

/** A throwaway tree with the real rules and a few files, one of which may break a rule. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pharos-iso-'));
  cpSync(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const clean = {
  'src/config/index.ts': 'export const c = 1;\n',
  'src/shared/errors.ts': "import { c } from '../config/index.js';\nexport const e = c;\n",
  'src/modules/a/index.ts': "import { e } from '../../shared/errors.js';\nexport const a = e;\n",
  'src/modules/b/index.ts': "import { c } from '../../config/index.js';\nexport const b = c;\n",
  'src/server/main.ts':
    "import { a } from '../modules/a/index.js';\nimport { b } from '../modules/b/index.js';\nexport const m = a + b;\n",
};

describe('module isolation rules', () => {
  it('pass on the real source tree', async () => {
    const { code, output } = await cruise(root);
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 60_000);

  it('pass on a clean fixture', async () => {
    expect((await cruise(fixture(clean))).code).toBe(0);
  }, 60_000);

  it.each([
    [
      'a slice importing another slice',
      { 'src/modules/a/leak.ts': "import { b } from '../b/index.js';\nexport const x = b;\n" },
      'module-imports-only-shared-config-and-itself',
    ],
    [
      'shared importing a slice',
      { 'src/shared/leak.ts': "import { a } from '../modules/a/index.js';\nexport const x = a;\n" },
      'shared-imports-only-config',
    ],
    [
      'config importing shared',
      { 'src/config/leak.ts': "import { e } from '../shared/errors.js';\nexport const x = e;\n" },
      'config-imports-nothing-of-ours',
    ],
    [
      'a root reaching into a slice past its index',
      {
        'src/modules/a/inner.ts': 'export const inner = 1;\n',
        'src/server/leak.ts': "import { inner } from '../modules/a/inner.js';\nexport const x = inner;\n",
      },
      'slice-entered-only-through-its-index',
    ],
    [
      'the API root importing the worker root',
      {
        'src/worker/start-worker.ts': 'export const w = 1;\n',
        'src/server/leak.ts': "import { w } from '../worker/start-worker.js';\nexport const x = w;\n",
      },
      'api-root-does-not-import-worker-root',
    ],
    [
      'the bootstrap importing a root',
      { 'src/bootstrap/leak.ts': "import { m } from '../server/main.js';\nexport const x = m;\n" },
      'bootstrap-imports-no-root',
    ],
    [
      'a cycle',
      {
        'src/shared/p.ts': "import { q } from './q.js';\nexport const p = () => q;\n",
        'src/shared/q.ts': "import { p } from './p.js';\nexport const q = () => p;\n",
      },
      'no-cycles',
    ],
  ])(
    'catch %s',
    async (_name, planted, rule) => {
      const { code, output } = await cruise(fixture({ ...clean, ...planted }));
      expect(code).not.toBe(0);
      expect(output).toContain(rule);
    },
    60_000,
  );
});
