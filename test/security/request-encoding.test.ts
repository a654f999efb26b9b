/**
 * Request bodies the server cannot decode are the client's mistake: 415 with a structured error, never a 500
 * with a logged stack (issue 11, item 14).
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});

async function post(headers: Record<string, string>, body: Buffer | string) {
  const res = await fetch(api.url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('request bodies in encodings the server does not read', () => {
  it.each([
    ['a non-UTF-8 charset', { 'content-type': 'application/json; charset=latin1' }],
    ['an unknown charset', { 'content-type': 'application/json; charset=klingon' }],
    ['an unknown Content-Encoding', { 'content-type': 'application/json', 'content-encoding': 'zstd-ish' }],
  ])('%s answers 415 BAD_USER_INPUT and logs no error', async (_name, headers) => {
    const before = api.logs.length;
    const res = await post(headers, '{"query":"{ health { status } }"}');
    expect(res.status).toBe(415);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(api.logs.slice(before).filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('a gzip-encoded UTF-8 body is still read', async () => {
    const res = await post(
      { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' },
      gzipSync('{"query":"{ health { status } }"}'),
    );
    expect(res.status).toBe(200);
  });
});

describe('automatic persisted queries (not offered)', () => {
  it.each([
    [
      'a hash that does not match the query',
      { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
    ],
    ['a hash without a query', { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }],
  ])('%s answers BAD_USER_INPUT and logs no error', async (_name, payload) => {
    const before = api.logs.length;
    const res = await post({ 'content-type': 'application/json' }, JSON.stringify(payload));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(api.logs.slice(before).filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
