import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../src/server/print-schema.js';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run generate` when this fails)', async () => {
    const onDisk = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(onDisk).toBe(await printAppSchema());
  });
});
