#!/usr/bin/env node
// Generates both Prisma clients (PostgreSQL and SQLite) offline-safe.
// `prisma generate` first tries to download the native schema engine, which is
// unreachable on offline machines; generation itself never uses it, so we point
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file when none is configured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
if (!existsSync(prismaBin)) {
  console.error('prisma-generate: prisma is not installed yet; run npm install');
  process.exit(1);
}
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
env.CHECKPOINT_DISABLE = '1';
for (const schema of ['prisma/schema.prisma', 'prisma/sqlite/schema.prisma']) {
  const r = spawnSync(process.execPath, [prismaBin, 'generate', '--schema', schema], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    console.error(`prisma-generate: generating ${schema} failed`);
    process.exit(r.status ?? 1);
  }
}
console.log('prisma-generate: clients generated (postgresql, sqlite)');
