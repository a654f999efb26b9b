/**
 * Real clients against a spawned API: `fetch` for GraphQL over HTTP, graphql-ws + ws for subscriptions.
 * Every answer is classified the way the fault suite judges it (ok, 503 SERVICE_UNAVAILABLE, other).
 */
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { registerCleanup } from '../../support/services.js';

export interface Endpoint {
  readonly url: string;
  readonly wsUrl: string;
}

export interface Answer<T = Record<string, unknown>> {
  /** HTTP status, or 0 when the request got no answer (connection refused or reset, timeout). */
  readonly status: number;
  readonly headers: Headers | null;
  readonly data: T | null;
  /** `extensions.code` of the first error, if any. */
  readonly code: string | null;
  readonly errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Network error message when status is 0. */
  readonly failure: string | null;
}

/** POSTs one operation; never throws (a network failure is `status: 0`). */
export async function gql<T = Record<string, unknown>>(
  api: Endpoint,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 15_000,
): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(api.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: { data?: T | null; errors?: Answer['errors'] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { errors: [{ message: `non-JSON answer: ${text.slice(0, 200)}` }] };
    }
    const errors = body.errors ?? [];
    const code = errors[0]?.extensions?.code;
    return {
      status: res.status,
      headers: res.headers,
      data: body.data ?? null,
      code: typeof code === 'string' ? code : null,
      errors,
      failure: null,
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return {
      status: 0,
      headers: null,
      data: null,
      code: null,
      errors: [],
      failure: `${(err as Error).name}${cause ? ` ${cause}` : ''}: ${(err as Error).message}`,
    };
  }
}

/** How the fault suite judges one answer: a success, the one allowed failure, or a defect. */
export type Verdict = 'ok' | 'unavailable' | 'bad';

/**
 * ok: HTTP 200 without errors. unavailable: HTTP 503 whose error code is SERVICE_UNAVAILABLE
 * (with `Retry-After` when `requireRetryAfter`). Everything else (other 5xx, 200 with an error,
 * no answer at all) is bad.
 */
export function judge(answer: Answer<unknown>, options: { requireRetryAfter?: boolean } = {}): Verdict {
  if (answer.status === 200 && answer.errors.length === 0) return 'ok';
  if (answer.status === 503 && answer.code === 'SERVICE_UNAVAILABLE') {
    if (options.requireRetryAfter && !answer.headers?.get('retry-after')) return 'bad';
    return 'unavailable';
  }
  return 'bad';
}

/** A short description of an answer for failure messages: `503 SERVICE_UNAVAILABLE`, `200 INTERNAL_SERVER_ERROR`. */
export function describeAnswer(answer: Answer<unknown>): string {
  if (answer.status === 0) return `no answer (${answer.failure})`;
  const retry = answer.headers?.get('retry-after');
  return `${answer.status} ${answer.code ?? (answer.errors.length ? 'error' : 'ok')}${retry ? ` retry-after=${retry}` : ''}${
    answer.errors[0] ? ` "${answer.errors[0].message.slice(0, 120)}"` : ''
  }`;
}

export interface Session {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

const AUTH = 'accessToken refreshToken user { id }';

/** Registers a new user with a unique email through the real `register` mutation. */
export async function register(api: Endpoint): Promise<Session> {
  const email = `fault-${randomBytes(6).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const res = await gql<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    api,
    `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH} } }`,
    { input: { email, password } },
  );
  const payload = res.data?.register;
  if (!payload) throw new Error(`register failed: ${describeAnswer(res)}`);
  return { email, password, userId: payload.user.id, ...payload };
}

/** Logs an existing user in (a new session with its own tokens). */
export async function login(api: Endpoint, user: { email: string; password: string }): Promise<Session> {
  const res = await gql<{ login: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    api,
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH} } }`,
    { email: user.email, password: user.password },
  );
  const payload = res.data?.login;
  if (!payload) throw new Error(`login failed: ${describeAnswer(res)}`);
  return { email: user.email, password: user.password, userId: payload.user.id, ...payload };
}

/** Ends the session and deny-lists its access token; throws unless the API answered true. */
export async function logout(api: Endpoint, session: Session): Promise<void> {
  const res = await gql<{ logout: boolean }>(
    api,
    'mutation($refreshToken: String) { logout(refreshToken: $refreshToken) }',
    { refreshToken: session.refreshToken },
    session.accessToken,
  );
  if (res.data?.logout !== true) throw new Error(`logout failed: ${describeAnswer(res)}`);
}

export const ME = '{ me { id } }';

/** A unique text document (identical content would be deduplicated into one resource). */
export function uniqueText(label = 'fault'): string {
  const tag = randomBytes(4).toString('hex');
  return [
    `Resilience note ${label} ${tag}.`,
    'Photosynthesis converts light energy into chemical energy stored in glucose inside the chloroplasts of plant cells.',
    'The light reactions split water and release oxygen, while the Calvin cycle fixes carbon dioxide into sugars.',
    `Reference marker ${tag} keeps this document distinct from every other one in the run.`,
  ].join(' ');
}

const CREATE = 'mutation($input: CreateResourceInput!) { createResource(input: $input) { id } }';

/** createResource with text content (or a URL); the answer as it came. */
export function createResource(
  api: Endpoint,
  token: string,
  input: { content?: string; url?: string; title?: string } = { content: uniqueText() },
): Promise<Answer<{ createResource: { id: string } }>> {
  return gql(api, CREATE, { input }, token);
}

/** createResource that must succeed; returns the new id. */
export async function mustCreateResource(
  api: Endpoint,
  token: string,
  input?: { content?: string; url?: string; title?: string },
): Promise<string> {
  const res = await createResource(api, token, input);
  const id = res.data?.createResource.id;
  if (!id) throw new Error(`createResource failed: ${describeAnswer(res)}`);
  return id;
}

export interface Progress {
  readonly overallStatus: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
  readonly error: string | null;
  readonly stages: Array<{ stage: string; status: string; attempt: number; error: string | null }>;
}

const PROGRESS_FIELDS = 'overallStatus error stages { stage status attempt error }';

/** resourceProgress(id) over HTTP; null data when the API did not answer it. */
export function progressOf(api: Endpoint, token: string, id: string): Promise<Answer<{ resourceProgress: Progress }>> {
  return gql(api, `query($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`, { id }, token);
}

/**
 * Polls resourceProgress of every id until each is COMPLETED or FAILED (or time runs out) and
 * returns the last status seen per id ('UNKNOWN' when it never answered).
 */
export async function waitUntilFinished(
  api: Endpoint,
  token: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const last = new Map<string, string>(ids.map((id) => [id, 'UNKNOWN']));
  const deadline = Date.now() + timeoutMs;
  const unfinished = () => ids.filter((id) => !['COMPLETED', 'FAILED'].includes(last.get(id)!));
  for (;;) {
    await Promise.all(
      unfinished().map(async (id) => {
        const res = await progressOf(api, token, id);
        const status = res.data?.resourceProgress?.overallStatus;
        if (status) last.set(id, status);
      }),
    );
    if (unfinished().length === 0 || Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Counts per status, e.g. `{ COMPLETED: 12, PENDING: 2 }`. */
export function tally(statuses: Map<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const status of statuses.values()) out[status] = (out[status] ?? 0) + 1;
  return out;
}

export interface Subscription {
  readonly events: Progress[];
  readonly errors: unknown[];
  /** The close event of the socket once it closed (code 1001 on a server shutdown). */
  readonly closed: () => { code: number; reason: string } | null;
  /** Resolves once the server acknowledged the connection (connection_ack). */
  readonly connected: Promise<void>;
  /** Resolves with the first event satisfying `test`; rejects on timeout. */
  until(test: (event: Progress) => boolean, timeoutMs?: number): Promise<Progress>;
  /** Resolves with the close event; rejects on timeout. */
  untilClosed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  /**
   * Starts another resourceProgress operation on the same socket and resolves with what came first:
   * an event, an error (the server refused the operation), or the socket's close code.
   */
  subscribeAgain(id: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** Subscribes to resourceProgress(id) over graphql-ws (no retries: a drop stays a drop). */
export function subscribeProgress(api: Endpoint, token: string, id: string): Subscription {
  let closeEvent: { code: number; reason: string } | null = null;
  let ack!: () => void;
  const connected = new Promise<void>((resolve) => (ack = resolve));
  const client: Client = createClient({
    url: api.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => ack(),
      closed: (event) => {
        const e = event as { code?: number; reason?: string };
        closeEvent ??= { code: e.code ?? 0, reason: String(e.reason ?? '') };
      },
    },
    onNonLazyError: () => undefined,
  });
  const events: Progress[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ resourceProgress: Progress }>(
    { query: `subscription($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`, variables: { id } },
    {
      next: (m) => (m.data ? events.push(m.data.resourceProgress) : errors.push(m.errors)),
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  const close = async () => {
    stop();
    await client.dispose();
  };
  registerCleanup(close);
  const poll = async <T>(what: string, check: () => T | null | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = check();
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `${what} not seen within ${timeoutMs} ms; last event ${JSON.stringify(events.at(-1))}; errors ${JSON.stringify(errors)}; close ${JSON.stringify(closeEvent)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return {
    events,
    errors,
    closed: () => closeEvent,
    connected,
    until: (test, timeoutMs = 30_000) => poll('progress event', () => events.find(test), timeoutMs),
    untilClosed: (timeoutMs = 10_000) => poll('socket close', () => closeEvent, timeoutMs),
    subscribeAgain: (otherId, timeoutMs = 10_000) =>
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => finish('nothing'), timeoutMs);
        const finish = (outcome: string) => {
          clearTimeout(timer);
          clearInterval(watch);
          cancel();
          resolve(outcome);
        };
        const watch = setInterval(() => closeEvent && finish(`closed ${closeEvent.code}`), 25);
        const cancel = client.subscribe<{ resourceProgress: Progress }>(
          {
            query: `subscription($id: ID!) { resourceProgress(id: $id) { ${PROGRESS_FIELDS} } }`,
            variables: { id: otherId },
          },
          {
            next: (m) =>
              finish(m.data ? `event ${m.data.resourceProgress.overallStatus}` : `error ${JSON.stringify(m.errors)}`),
            error: (e) => {
              // graphql-ws passes the CloseEvent when the socket closed, GraphQL errors when it refused.
              const code = (e as { code?: unknown }).code;
              if (typeof code === 'number') finish(`closed ${code}`);
              else finish(`error ${e instanceof Error ? e.message : JSON.stringify(e)}`);
            },
            complete: () => undefined,
          },
        );
      }),
    close,
  };
}
