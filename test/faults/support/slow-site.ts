/**
 * A local web site for ingestion to fetch (ALLOW_PRIVATE_URLS=true): each route answers an HTML page
 * after a delay chosen per call, so a scenario knows when a worker is in the middle of a job
 * (`waitForCall`) and can make a job outlast a shutdown or a kill.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerCleanup } from '../../support/services.js';

export interface SlowSite {
  readonly base: string;
  /** Calls received per path so far. */
  calls(path: string): number;
  /** Resolves once `path` has received its n-th call; rejects after `timeoutMs`. */
  waitForCall(path: string, n?: number, timeoutMs?: number): Promise<void>;
}

const PAGE = (title: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1>` +
  '<p>Cell biology studies the structure and function of cells, the basic units of life. Every cell is ' +
  'surrounded by a membrane that controls what enters and leaves, and most cells contain a nucleus that ' +
  'holds the genetic material organised into chromosomes.</p><p>Mitochondria produce energy through ' +
  'cellular respiration, ribosomes build proteins from amino acids, and the endoplasmic reticulum folds ' +
  'and transports them to where they are needed in the cell.</p></article></body></html>';

/** Starts the site; `delayMs(path, call)` gives the delay of the n-th call to a path (1-based). */
export async function startSlowSite(delayMs: (path: string, call: number) => number): Promise<SlowSite> {
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const timer = setTimeout(
      () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(`Page ${path.slice(1)}`)),
      delayMs(path, n),
    );
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registerCleanup(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const calls = (path: string) => counts.get(path) ?? 0;
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async waitForCall(path, n = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls(path) < n) {
        if (Date.now() > deadline) throw new Error(`${path} got ${calls(path)} of ${n} calls within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
