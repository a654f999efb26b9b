import net from 'node:net';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { PermanentStageError, TransientStageError } from '../errors.js';
import { ForbiddenAddressError, guardedLookup, isForbiddenAddress } from './ssrf-guard.js';

/** A fetched document: the final URL after redirects, its content type and raw body. */
export interface FetchedDocument {
  readonly url: string;
  readonly status: number;
  /** Lower-case media type without parameters, e.g. "text/html" ("" when absent). */
  readonly mediaType: string;
  readonly charset: string | null;
  readonly body: Buffer;
}

export interface UrlFetcherOptions {
  /** ALLOW_PRIVATE_URLS: let private, loopback and link-local addresses through (tests only). */
  readonly allowPrivate: boolean;
  /** Whole-fetch deadline, redirects included. Default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Largest body accepted. Default 10 MB. */
  readonly maxBytes?: number;
  /** Redirects followed. Default 5. */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
}

export interface UrlFetcher {
  /**
   * Fetches an http(s) URL with the limits above.
   * @throws PermanentStageError (bad scheme, forbidden address, 4xx, too large, too many redirects, unknown host)
   * @throws TransientStageError (timeout, 408/425/429/5xx, connection failures)
   */
  fetch(url: string, signal?: AbortSignal): Promise<FetchedDocument>;
  close(): Promise<void>;
}

const MB = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Creates a fetcher with its own connection pool (closed by `close`). */
export function createUrlFetcher(options: UrlFetcherOptions): UrlFetcher {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 10 * MB;
  const maxRedirects = options.maxRedirects ?? 5;
  const agent = new Agent({
    connect: options.allowPrivate ? { timeout: timeoutMs } : { timeout: timeoutMs, lookup: guardedLookup },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxResponseSize: maxBytes,
  });

  const checkUrl = (raw: string): URL => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PermanentStageError(`"${raw.slice(0, 200)}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new PermanentStageError(`Only http and https URLs can be fetched (got ${url.protocol.replace(':', '')})`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Literal IPs never reach the lookup hook, so they are checked here.
    if (!options.allowPrivate && net.isIP(host) && isForbiddenAddress(host)) throw forbidden();
    return url;
  };

  const fetchOnce = async (url: URL, signal: AbortSignal): Promise<Dispatcher.ResponseData> => {
    try {
      return await request(url, {
        dispatcher: agent,
        method: 'GET',
        signal,
        headers: {
          'user-agent': options.userAgent ?? 'PharosBot/0.1 (knowledge ingestion)',
          accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
        },
      });
    } catch (err) {
      throw mapNetworkError(err, url, timeoutMs);
    }
  };

  return {
    async fetch(raw, jobSignal) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = jobSignal ? AbortSignal.any([deadline, jobSignal]) : deadline;
      let url = checkUrl(raw);
      for (let hop = 0; ; hop++) {
        const res = await fetchOnce(url, signal);
        if (REDIRECTS.has(res.statusCode)) {
          await res.body.dump().catch(() => undefined);
          const location = res.headers.location;
          const next = Array.isArray(location) ? location[0] : location;
          if (!next)
            throw new PermanentStageError(`The URL answered HTTP ${res.statusCode} without a Location to follow`);
          if (hop >= maxRedirects) throw new PermanentStageError(`The URL redirected more than ${maxRedirects} times`);
          url = checkUrl(new URL(next, url).toString());
          continue;
        }
        if (res.statusCode < 200 || res.statusCode >= 300) {
          await res.body.dump().catch(() => undefined);
          const message = `The site answered HTTP ${res.statusCode} for ${url.host}`;
          if (RETRYABLE_STATUS.has(res.statusCode) || res.statusCode > 500) throw new TransientStageError(message);
          throw new PermanentStageError(message);
        }
        const contentType = String(res.headers['content-type'] ?? '');
        const [mediaType = '', ...params] = contentType.split(';').map((p) => p.trim());
        const charset = params.map((p) => /^charset=("?)([^"]+)\1$/i.exec(p)?.[2]).find(Boolean) ?? null;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.body.destroy();
          throw tooLarge(maxBytes);
        }
        // Servers may compress even unasked; the cap applies to the decoded size (a zip bomb stops at it).
        const encoding = String(res.headers['content-encoding'] ?? 'identity')
          .toLowerCase()
          .trim();
        const decoder = decoderFor(encoding);
        if (decoder === undefined) {
          await res.body.dump().catch(() => undefined);
          throw new PermanentStageError(`The site sent its document in an encoding Pharos cannot read (${encoding})`);
        }
        const stream: AsyncIterable<Buffer> = decoder ? res.body.pipe(decoder) : res.body;
        const chunks: Buffer[] = [];
        let size = 0;
        try {
          for await (const chunk of stream) {
            size += chunk.byteLength;
            if (size > maxBytes) {
              res.body.destroy();
              decoder?.destroy();
              throw tooLarge(maxBytes);
            }
            chunks.push(chunk);
          }
        } catch (err) {
          if (err instanceof PermanentStageError) throw err;
          if (decoder && (err as { code?: string }).code?.startsWith('Z_'))
            throw new PermanentStageError(`The site's ${encoding} data is corrupt`, { cause: err });
          throw mapNetworkError(err, url, timeoutMs, maxBytes);
        }
        return {
          url: url.toString(),
          status: res.statusCode,
          mediaType: mediaType.toLowerCase(),
          charset,
          body: Buffer.concat(chunks),
        };
      }
    },
    async close() {
      await agent.close();
    },
  };
}

/** A decompressor for a Content-Encoding, null for none, undefined for one we cannot read. */
function decoderFor(encoding: string): Transform | null | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

function forbidden(): PermanentStageError {
  return new PermanentStageError(
    'The URL points to a private, loopback or link-local address, which Pharos does not fetch',
  );
}

function tooLarge(maxBytes: number): PermanentStageError {
  return new PermanentStageError(`The document is larger than ${Math.round(maxBytes / MB)} MB`);
}

function mapNetworkError(err: unknown, url: URL, timeoutMs: number, maxBytes = 0): Error {
  let cause: unknown = err;
  for (let i = 0; i < 4 && cause; i++) {
    if (cause instanceof ForbiddenAddressError) return forbidden();
    const code = (cause as { code?: string }).code;
    const name = (cause as { name?: string }).name;
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return tooLarge(maxBytes || 10 * MB);
    if (code === 'ENOTFOUND')
      return new PermanentStageError(`The host name ${url.hostname} could not be resolved`, { cause: err });
    if (
      name === 'TimeoutError' ||
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new TransientStageError(`The site did not answer within ${Math.round(timeoutMs / 1000)} s`, {
        cause: err,
      });
    }
    if (name === 'AbortError')
      return new TransientStageError('Fetching was interrupted (worker stopping)', { cause: err });
    if (code && /^E[A-Z]+$|^UND_ERR/.test(code))
      return new TransientStageError(`Could not connect to ${url.host} (${code})`, { cause: err });
    cause = (cause as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err : new Error(String(err));
}
