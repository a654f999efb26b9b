import { describeDatabaseUrl } from '../../config/index.js';
import { pingDatabase, type DatabaseHandle } from './create-database.js';

/** Thrown by `connectWithRetry` when the database stays unreachable; `message` is one safe line. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * Thrown by `connectWithRetry` at once (no retries) when the server answered but refused us: wrong
 * password, unknown database or role, no permission. Waiting does not fix these. `message` is one safe line.
 */
export class DatabaseRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseRefusedError';
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
      const d = describeDatabaseUrl(options.url);
      const where =
        d.provider === 'postgresql'
          ? `host=${d.host} port=${d.port} database=${d.database}`
          : `sqlite file=${d.database}`;
      const refusal = refusalOf(err);
      if (refusal)
        throw new DatabaseRefusedError(`Database refused the connection (${where}): ${refusal}`, { cause: err });
      const remaining = deadline - now();
      if (remaining <= 0) {
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

const REFUSALS: ReadonlyArray<{ kinds: readonly string[]; codes: readonly string[]; say: string }> = [
  {
    kinds: ['AuthenticationFailed'],
    codes: ['28P01', '28000', 'P1000'],
    say: 'authentication failed (check the user and password)',
  },
  { kinds: ['DatabaseDoesNotExist'], codes: ['3D000', 'P1003'], say: 'the database does not exist' },
  { kinds: ['DatabaseAccessDenied'], codes: ['42501', 'P1010'], say: 'access denied for this user' },
];

/** What a refusal that retrying cannot fix says, or undefined for errors worth retrying. */
function refusalOf(err: unknown): string | undefined {
  const e = err as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
  };
  const cause =
    e?.meta?.driverAdapterError?.cause ?? (err as { cause?: { kind?: unknown; originalCode?: unknown } })?.cause;
  const kind = typeof cause?.kind === 'string' ? cause.kind : undefined;
  const codes = [e?.code, cause?.originalCode].filter((c): c is string => typeof c === 'string');
  return REFUSALS.find((r) => (kind && r.kinds.includes(kind)) || codes.some((c) => r.codes.includes(c)))?.say;
}
