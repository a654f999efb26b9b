import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentStageError, TransientStageError } from '../errors.js';
import { createUrlFetcher } from './fetch-url.js';

let server: http.Server;
let base: string;
const fetcher = createUrlFetcher({ allowPrivate: true, timeoutMs: 1_500, maxBytes: 64 * 1024 });
const strict = createUrlFetcher({ allowPrivate: false, timeoutMs: 1_500 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/page' }).end();
    } else if (url.pathname === '/page') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' })
        .end(Buffer.from('<p>caf\xe9</p>', 'latin1'));
    } else if (url.pathname === '/to-ftp') {
      res.writeHead(301, { location: 'ftp://example.com/file' }).end();
    } else if (url.pathname === '/huge-declared') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(11 * 1024 * 1024) });
      res.write('x'.repeat(1024));
      setTimeout(() => res.destroy(), 200);
    } else if (url.pathname === '/huge-chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(16 * 1024);
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent > 40) return clearInterval(timer);
        res.write(chunk);
        sent++;
      }, 1);
    } else if (url.pathname === '/gzip' || url.pathname === '/br' || url.pathname === '/deflate') {
      const html = Buffer.from('<p>compressed page</p>');
      const encoding = url.pathname.slice(1);
      const body =
        encoding === 'gzip' ? gzipSync(html) : encoding === 'br' ? brotliCompressSync(html) : deflateSync(html);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding }).end(body);
    } else if (url.pathname === '/gzip-bomb') {
      // 1 KB on the wire, 1 MB decoded: far over the 64 KB cap once decompressed.
      res
        .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
        .end(gzipSync(Buffer.alloc(1024 * 1024)));
    } else if (url.pathname === '/gzip-corrupt') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end('not gzip at all');
    } else if (url.pathname === '/compress') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'compress' }).end('LZW');
    } else if (url.pathname === '/missing') {
      res.writeHead(404).end('nope');
    } else if (url.pathname === '/busy') {
      res.writeHead(503).end('later');
    } else if (url.pathname === '/hang') {
      // never answers
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fetcher.close();
  await strict.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Error,
  );

describe('createUrlFetcher', () => {
  it('follows a redirect chain of up to 5 hops and decodes metadata', async () => {
    const doc = await fetcher.fetch(`${base}/hop/4`);
    expect(doc.url).toBe(`${base}/page`);
    expect(doc.mediaType).toBe('text/html');
    expect(doc.charset).toBe('ISO-8859-1');
    expect(doc.body.toString('latin1')).toBe('<p>caf\xe9</p>');
  });

  it('refuses a sixth redirect and non-http schemes', async () => {
    const tooMany = await failure(fetcher.fetch(`${base}/hop/5`));
    expect(tooMany).toBeInstanceOf(PermanentStageError);
    expect(tooMany!.message).toBe('The URL redirected more than 5 times');
    expect((await failure(fetcher.fetch(`${base}/to-ftp`)))!.message).toMatch(
      /Only http and https URLs can be fetched \(got ftp\)/,
    );
    expect((await failure(fetcher.fetch('file:///etc/passwd')))!.message).toMatch(/got file/);
  });

  it('stops oversize bodies, declared or streamed', async () => {
    const declared = await failure(fetcher.fetch(`${base}/huge-declared`));
    expect(declared).toBeInstanceOf(PermanentStageError);
    expect(declared!.message).toMatch(/larger than/);
    const streamed = await failure(fetcher.fetch(`${base}/huge-chunked`));
    expect(streamed).toBeInstanceOf(PermanentStageError);
    expect(streamed!.message).toMatch(/larger than/);
  });

  it('decodes gzip, deflate and brotli pages, and caps the decoded size (a gzip bomb stops at the cap)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const doc = await fetcher.fetch(`${base}/${encoding}`);
      expect(doc.body.toString('utf8')).toBe('<p>compressed page</p>');
    }
    const bomb = await failure(fetcher.fetch(`${base}/gzip-bomb`));
    expect(bomb).toBeInstanceOf(PermanentStageError);
    expect(bomb!.message).toMatch(/larger than/);
  });

  it('refuses corrupt compressed data and unknown encodings as permanent, readable failures', async () => {
    const corrupt = await failure(fetcher.fetch(`${base}/gzip-corrupt`));
    expect(corrupt).toBeInstanceOf(PermanentStageError);
    expect(corrupt!.message).toBe("The site's gzip data is corrupt");
    const unknown = await failure(fetcher.fetch(`${base}/compress`));
    expect(unknown).toBeInstanceOf(PermanentStageError);
    expect(unknown!.message).toMatch(/encoding Pharos cannot read \(compress\)/);
  });

  it('declares a 10 MB cap by default', async () => {
    const capped = createUrlFetcher({ allowPrivate: true });
    try {
      const err = await failure(capped.fetch(`${base}/huge-declared`));
      expect(err!.message).toBe('The document is larger than 10 MB');
    } finally {
      await capped.close();
    }
  });

  it('tells permanent HTTP errors from transient ones', async () => {
    const missing = await failure(fetcher.fetch(`${base}/missing`));
    expect(missing).toBeInstanceOf(PermanentStageError);
    expect(missing!.message).toMatch(/HTTP 404/);
    expect(await failure(fetcher.fetch(`${base}/busy`))).toBeInstanceOf(TransientStageError);
  });

  it('times out a silent server as a transient failure', async () => {
    const started = Date.now();
    const err = await failure(fetcher.fetch(`${base}/hang`));
    expect(err).toBeInstanceOf(TransientStageError);
    expect(err!.message).toMatch(/did not answer within 2 s|did not answer within 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses loopback and private addresses unless allowed, by literal IP and after DNS resolution', async () => {
    const port = new URL(base).port;
    for (const url of [
      `${base}/page`,
      `http://localhost:${port}/page`,
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:1/',
    ]) {
      const err = await failure(strict.fetch(url));
      expect(err, url).toBeInstanceOf(PermanentStageError);
      expect(err!.message).toMatch(/private, loopback or link-local/);
    }
    // With ALLOW_PRIVATE_URLS the same host is fetched.
    expect((await fetcher.fetch(`http://localhost:${port}/page`)).status).toBe(200);
  });

  it('reports unknown hosts as permanent', async () => {
    const err = await failure(strict.fetch('http://no-such-host.invalid/'));
    expect(err).toBeInstanceOf(PermanentStageError);
    expect(err!.message).toMatch(/could not be resolved/);
  });
});
