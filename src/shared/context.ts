import type { Tier } from '../config/index.js';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';
import type { RateLimitDecision } from './rate-limit/types.js';

/** Who is calling, as proven by a verified access token (or TEST_MODE). */
export interface Viewer {
  readonly userId: string;
  readonly tier: Tier;
  /** The access token's `jti`; null in TEST_MODE without a token. */
  readonly tokenId: string | null;
  /** Access-token expiry in unix seconds; null in TEST_MODE without a token. */
  readonly expiresAt: number | null;
  /** The token's session (refresh-token family, `sid`); logout revokes it. Absent in TEST_MODE without a token. */
  readonly sessionId?: string | null;
}

/** What pricing and charging learned about the operation (written by the rate-limiting guard only). */
export interface OperationState {
  /** Static cost in points and field depth, computed before anything runs; null until priced. */
  analysis: { readonly cost: number; readonly depth: number } | null;
  /** The rate limiter's decision when the operation was charged; null when free or not charged. */
  decision: RateLimitDecision | null;
}

/** The per-operation GraphQL context, on HTTP and WebSocket alike. */
export interface RequestContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly transport: 'http' | 'ws';
  readonly ip: string;
  readonly userAgent: string | null;
  /** Set by the authentication step; null for anonymous callers of public operations. */
  viewer: Viewer | null;
  /** Why a presented token was refused (enforced only for non-public operations). */
  authError: AppError | null;
  /** Points charged for this operation by the rate limiter (0 when not charged). */
  cost: number;
  /** The operation's price and rate-limit decision (see OperationState). */
  readonly operation: OperationState;
  /** Headers to add to the HTTP response (rate-limit headers, Retry-After). Ignored on WebSocket. */
  readonly responseHeaders: Map<string, string>;
  /** Scratch space for per-request caches (DataLoaders), keyed by the owning module. */
  readonly loaders: Map<string, unknown>;
  /**
   * Aborted when the operation must stop: its deadline (QUERY_TIMEOUT_MS) passed, the client went away
   * (HTTP connection closed, WebSocket `complete` or close) or the answer grew past MAX_RESPONSE_BYTES.
   * `signal.reason` is then an AppError. Long loops check it between steps (throwIfCancelled).
   */
  readonly signal: AbortSignal;
  /** Counts the bytes of answer produced so far; past the cap it aborts `signal` and throws its reason. */
  readonly meter: ResponseMeter;
}

/** The response-size counter of one operation (see RequestContext.meter). */
export interface ResponseMeter {
  /**
   * Adds `bytes` (UTF-8, about what the value takes in the JSON answer).
   * @throws AppError QUERY_TOO_COMPLEX once the total passes the operation's cap.
   */
  add(bytes: number): void;
}

/**
 * Throws `signal.reason` when `signal` is aborted (an AppError when aborted by the server's limits), so a
 * cancelled operation stops at the next step instead of finishing work nobody will read.
 */
export function throwIfCancelled(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new AppError('BAD_USER_INPUT', 'The operation was cancelled');
}

/** The caller's identity, or UNAUTHENTICATED. */
export function requireViewer(ctx: RequestContext): Viewer {
  if (!ctx.viewer) throw ctx.authError ?? new AppError('UNAUTHENTICATED', 'Authentication required');
  return ctx.viewer;
}

/** The fields of a RequestContext that describe the caller; the rest starts empty. */
export type RequestContextInit = Pick<
  RequestContext,
  'requestId' | 'logger' | 'transport' | 'ip' | 'userAgent' | 'viewer' | 'authError'
>;

/** Cancellation and metering of one operation; absent (in unit tests) means never cancelled, not metered. */
export interface OperationControl {
  readonly signal: AbortSignal;
  readonly meter: ResponseMeter;
}

const UNLIMITED: OperationControl = { signal: new AbortController().signal, meter: { add: () => undefined } };

/** A fresh per-operation context: nothing charged yet, no response headers, no loaders. */
export function createRequestContext(
  init: RequestContextInit & { readonly control?: OperationControl },
): RequestContext {
  const { control = UNLIMITED, ...caller } = init;
  return {
    ...caller,
    cost: 0,
    operation: { analysis: null, decision: null },
    responseHeaders: new Map(),
    loaders: new Map(),
    signal: control.signal,
    meter: control.meter,
  };
}
