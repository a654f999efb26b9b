import { describeDatabaseUrl } from '../../config/index.js';
import { pingDatabase, type DatabaseHandle } from './create-database.js';

/** Thrown by `connectWithRetry` when the database stays unreachable; `message` is one safe line. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

export interface ConnectWithRetryOptions {
  readonly url: string;
  /** Total time to keep retrying, in ms (DB_CONNECT_TIMEOUT_MS, about 15 s). */
  readonly timeoutMs: number;
  /** First delay in ms; doubles each attempt up to 4 s. */
  readonly initialDelayMs?: number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; cause: string }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Pings the database with exponential backoff until it answers or `timeoutMs` has passed.
 * @throws DatabaseUnreachableError naming host, port, database and cause (never the password).
 */
export async function connectWithRetry(handle: DatabaseHandle, options: ConnectWithRetryOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await pingDatabase(handle);
      return;
    } catch (err) {
      const cause = safeCause(err);
      const remaining = deadline - now();
      if (remaining <= 0) {
        const d = describeDatabaseUrl(options.url);
        const where =
          d.provider === 'postgresql'
            ? `host=${d.host} port=${d.port} database=${d.database}`
            : `sqlite file=${d.database}`;
        throw new DatabaseUnreachableError(`Database unreachable after ${attempt} attempts (${where}): ${cause}`, {
          cause: err,
        });
      }
      const wait = Math.min(delay, remaining);
      options.onRetry?.({ attempt, delayMs: wait, cause });
      await sleep(wait);
      delay = Math.min(delay * 2, 4_000);
    }
  }
}

/**
 * A one-line cause without credentials. Prisma wraps driver-adapter failures (P2010) with the adapter's
 * error kind in `meta.driverAdapterError.cause` and the driver message inside backticks.
 */
function safeCause(err: unknown): string {
  const e = err as {
    code?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
  };
  const adapterCause = e?.meta?.driverAdapterError?.cause;
  const kind =
    typeof adapterCause?.kind === 'string' ? adapterCause.kind : typeof e?.code === 'string' ? e.code : undefined;
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  const quoted = /Message: `([^`]*)`/.exec(raw)?.[1];
  const line = (quoted ?? raw.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const msg = line.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s]+/gi, '<url>').slice(0, 200);
  return kind && !msg.includes(kind) ? `${kind}: ${msg}` : msg;
}
