import type { Redis } from '../redis/index.js';

/** What `oauthAuthorizeUrl` remembers for the callback. Never sent to the client except `state` itself. */
export interface OAuthStateRecord {
  /** Upper-case provider name the state was issued for. */
  readonly provider: string;
  readonly redirectUri: string;
  /** PKCE S256 code verifier (RFC 7636). */
  readonly codeVerifier: string;
  /** OIDC nonce; null for plain OAuth2 providers. */
  readonly nonce: string | null;
  /**
   * SHA-256 (hex) of the one-time binding secret handed to the client that started the flow; the callback
   * must present the secret itself (login CSRF, RFC 9700 §4.7.1).
   */
  readonly bindingHash: string;
  /** Unix ms. */
  readonly createdAt: number;
}

/** Single-use, expiring storage of OAuth `state` values. */
export interface OAuthStateStore {
  /** Stores `record` under `state` for `ttlSeconds`. */
  put(state: string, record: OAuthStateRecord, ttlSeconds: number): Promise<void>;
  /** Atomically reads and deletes: a state can be taken once; unknown or expired → null. */
  take(state: string): Promise<OAuthStateRecord | null>;
}

/** Default lifetime of a state: 10 minutes. */
export const OAUTH_STATE_TTL_SECONDS = 600;

/** Redis-backed store (GETDEL, Redis ≥ 6.2), shared by every API instance. */
export function createRedisOAuthStateStore(options: { client: Redis; keyPrefix: string }): OAuthStateStore {
  const key = (state: string) => `${options.keyPrefix}auth:oauth-state:${state}`;
  return {
    async put(state, record, ttlSeconds) {
      await options.client.set(key(state), JSON.stringify(record), 'EX', ttlSeconds);
    },
    async take(state) {
      const raw = await options.client.getdel(key(state));
      return raw ? (JSON.parse(raw) as OAuthStateRecord) : null;
    },
  };
}

export interface MemoryOAuthStateStoreOptions {
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** Most states kept (default 10,000); beyond it expired ones go first, then the oldest. */
  readonly maxEntries?: number;
  /** Expired states are swept at most once per this many `put`s (default 256). */
  readonly sweepEvery?: number;
}

/**
 * In-process store (embedded mode), bounded: at most `maxEntries` states. Expired entries are swept once
 * every `sweepEvery` puts (amortized O(1) per put), or every `sweepEvery / 4` puts while the store is
 * full; if it is still full, the oldest state is evicted (that login must start again).
 */
export function createMemoryOAuthStateStore(options: MemoryOAuthStateStoreOptions = {}): OAuthStateStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const sweepEvery = options.sweepEvery ?? 256;
  const entries = new Map<string, { record: OAuthStateRecord; expiresAt: number }>();
  const fullSweepEvery = Math.max(1, Math.floor(sweepEvery / 4));
  let puts = 0;
  let lastSweep = 0;
  const sweep = (t: number) => {
    lastSweep = puts;
    for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
  };
  return {
    async put(state, record, ttlSeconds) {
      const t = now();
      puts++;
      entries.delete(state);
      const sinceSweep = puts - lastSweep;
      // Periodic sweep; when full, sweep sooner (but still not on every put) so expired states go first.
      if (sinceSweep >= sweepEvery || (entries.size >= maxEntries && sinceSweep >= fullSweepEvery)) sweep(t);
      // Map iteration is insertion order: the first key is the oldest state.
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(state, { record, expiresAt: t + ttlSeconds * 1000 });
    },
    async take(state) {
      const e = entries.get(state);
      entries.delete(state);
      return e && e.expiresAt > now() ? e.record : null;
    },
  };
}
