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

/** In-process store (embedded mode). Expired entries are dropped on every `put`. */
export function createMemoryOAuthStateStore(options: { now?: () => number } = {}): OAuthStateStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { record: OAuthStateRecord; expiresAt: number }>();
  return {
    async put(state, record, ttlSeconds) {
      const t = now();
      for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
      entries.set(state, { record, expiresAt: t + ttlSeconds * 1000 });
    },
    async take(state) {
      const e = entries.get(state);
      entries.delete(state);
      return e && e.expiresAt > now() ? e.record : null;
    },
  };
}
