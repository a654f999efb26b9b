// Writes generated docs (docs/configuration.md); with --check, exits 1 when they are stale.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../src/config/render-config-docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'docs', 'configuration.md');
const text = renderConfigDocs();
if (process.argv.includes('--check')) {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    console.error('docs/configuration.md is stale: run `npm run generate`.');
    process.exit(1);
  }
  console.log('docs/configuration.md is up to date');
} else {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log('wrote docs/configuration.md');
}
