import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Pharos project root: the nearest ancestor folder of `fromUrl` whose package.json is named "pharos".
 * Works from `src/` (tsx, vitest) and from `dist/src/` (compiled) alike.
 * @throws Error when no such folder exists (e.g. the code was copied without its package.json).
 */
export function findProjectRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'pharos') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named "pharos" above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

function readPackageName(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
