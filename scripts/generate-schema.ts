// Writes schema.graphql from the code (`npm run generate`); with --check, exits 1 when the file is stale.
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printAppSchema } from '../src/server/print-schema.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');
const text = await printAppSchema();
if (process.argv.includes('--check')) {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    console.error('schema.graphql is stale: run `npm run generate` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date');
} else {
  writeFileSync(target, text);
  console.log('wrote schema.graphql');
}
