/** Database kinds Pharos supports. */
export type DatabaseProvider = 'postgresql' | 'sqlite';

/** Default embedded database, relative to the working directory. */
export const DEFAULT_SQLITE_URL = 'file:./data/pharos.db';

/**
 * Normalises a database URL: the Python Pharos forms `postgresql+asyncpg://…`,
 * `postgres://…` and `sqlite+aiosqlite:///path` become `postgresql://…` and `file:path`.
 * @throws Error when the scheme is not a supported database.
 */
export function normalizeDatabaseUrl(raw: string): string {
  const url = raw.trim();
  const pg = /^(postgres|postgresql)(\+[a-z0-9]+)?:\/\//i.exec(url);
  if (pg) return 'postgresql://' + url.slice(pg[0].length);
  const sqlite = /^sqlite(\+[a-z0-9]+)?:\/\//i.exec(url);
  if (sqlite) {
    // sqlite:///relative.db → relative path; sqlite:////abs.db → absolute path (SQLAlchemy rules).
    const rest = url.slice(sqlite[0].length);
    const file = rest.startsWith('/') ? rest.slice(1) : rest;
    if (file === '' || file === ':memory:') return 'file::memory:';
    return 'file:' + file;
  }
  if (/^file:/i.test(url)) return url;
  throw new Error('unsupported database URL scheme (expected postgresql://, file:, or sqlite:///)');
}

/** Which provider a normalised URL targets. */
export function detectProvider(url: string): DatabaseProvider {
  return /^postgresql:\/\//i.test(url) ? 'postgresql' : 'sqlite';
}

/** The parts of a connection worth naming in a log line: never the password. */
export function describeDatabaseUrl(url: string): {
  provider: DatabaseProvider;
  host?: string;
  port?: number;
  database: string;
} {
  const provider = detectProvider(url);
  if (provider === 'sqlite') return { provider, database: url.replace(/^file:/i, '').split('?')[0] ?? '' };
  const parsed = new URL(url);
  return {
    provider,
    host: parsed.hostname || 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
  };
}

/** Builds `postgresql://user:pass@host:port/db` with URL-encoded credentials. */
export function buildPostgresUrl(parts: {
  server: string;
  port: number;
  user: string;
  password?: string;
  db: string;
}): string {
  const auth = encodeURIComponent(parts.user) + (parts.password ? ':' + encodeURIComponent(parts.password) : '');
  const host = parts.server.includes(':') && !parts.server.startsWith('[') ? `[${parts.server}]` : parts.server;
  return `postgresql://${auth}@${host}:${parts.port}/${encodeURIComponent(parts.db)}`;
}
