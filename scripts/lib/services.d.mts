// Types of services.mjs (hand-written: tsconfig has no allowJs). Keep the two in step.

/** A PostgreSQL cluster in a data folder, started and stopped with pg_ctl. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust auth, superuser `postgres`). */
  readonly url: string;
  readonly port: number;
  /** undefined: pg_ctl and pg_isready come from PATH. */
  readonly binDir: string | undefined;
  readonly dataDir: string;
  /** The postmaster's options (`pg_ctl -o`): port, socket folder, `-c` settings. */
  readonly options: string;
  /** The postmaster's pid from `postmaster.pid`; undefined when it is not running. */
  pid(): number | undefined;
  /**
   * Starts it on its port with its data (`pg_ctl start -w`, at most 60 s) and resolves once
   * pg_isready answers (at most 30 s more). Rejects with pg_ctl's output and the server log's tail,
   * also when it already runs.
   */
  start(): Promise<void>;
  /**
   * `pg_ctl stop -m fast` (ends all sessions), then SIGQUIT and SIGKILL if it still runs; resolves
   * once the postmaster is gone. No-op when it is not running. Rejects only if it survives SIGKILL.
   */
  stop(): Promise<void>;
  /** SIGQUIT (immediate shutdown) without waiting, for exit handlers. */
  kill(): void;
}

/** A daemonizing redis-server with fixed flags. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly binary: string;
  /** Its full command line after the binary (includes `--daemonize yes`, `--pidfile` when known). */
  readonly args: readonly string[];
  /** Its pid from the pid file; undefined when not running or without `--pidfile`. */
  pid(): number | undefined;
  /** Launches it and resolves once it answers PING (at most 10 s); rejects with redis-server's output. */
  start(): Promise<void>;
  /**
   * `SHUTDOWN NOSAVE`, SIGKILL after 10 s; resolves once the process is gone and the port refuses
   * connections (at most 10 s). No-op when it is not running.
   */
  stop(): Promise<void>;
  /** Signals it without waiting (default SIGKILL), for exit handlers and synchronous stops. */
  kill(signal?: NodeJS.Signals): void;
}

export interface StartPostgresOptions {
  /** Folder with initdb, pg_ctl and pg_isready (`findPgBinDir()`); undefined: from PATH. */
  binDir: string | undefined;
  /** The server's own folder (created when missing): `data/`, `socket/`, `postgres.log`. */
  dir: string;
  /** `max_connections`; default 100. */
  maxConnections?: number;
  /** More `-c name=value` settings, e.g. `{ shared_buffers: '256MB' }`. */
  settings?: Record<string, string | number>;
  /** Start attempts on fresh free ports; default 3. */
  attempts?: number;
  /** Told about a failed attempt before the next one. */
  onRetry?: (message: string) => void;
}

export interface StartRedisOptions {
  /** The redis-server executable (`findRedisServer()`). */
  binary: string;
  /** The server's own folder (created when missing): `redis.pid`, `redis.log`. */
  dir: string;
  /** Start attempts on fresh free ports; default 3. */
  attempts?: number;
  /** Told about a failed attempt before the next one. */
  onRetry?: (message: string) => void;
}

/** The executable `name` on PATH, or undefined. */
export function which(name: string): string | undefined;

/** PostgreSQL's bin folder: TEST_PG_BIN_DIR, initdb on PATH, /usr/lib/postgresql/<v>/bin (15 preferred). */
export function findPgBinDir(): string | undefined;

/** redis-server: TEST_REDIS_BIN, then PATH. */
export function findRedisServer(): string | undefined;

/** Both; a field is undefined when that server is not installed. */
export function findBinaries(): { pgBinDir: string | undefined; redisServer: string | undefined };

/** A TCP port on 127.0.0.1 that was free a moment ago (another process may still take it). */
export function freePort(): Promise<number>;

/** The pid on the first line of a pid file, or undefined. */
export function readPid(file: string): number | undefined;

/** Whether `pid` runs (zombies count as gone). */
export function isAlive(pid: number): boolean;

/**
 * Sends `signal` (default SIGTERM), waits up to `timeoutMs` (default 5000), then SIGKILL and 2 s
 * more. Resolves whether the process is gone; never rejects.
 */
export function stopPid(pid: number, options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<boolean>;

/** A handle on an existing cluster (e.g. one another process started); starts nothing. */
export function postgresServer(spec: {
  binDir: string | undefined;
  dataDir: string;
  port: number;
  options: string;
}): PostgresServer;

/** initdb in `dir` and start on a free loopback port; resolves once it accepts connections. */
export function startPostgres(options: StartPostgresOptions): Promise<PostgresServer>;

/** One RESP command over a fresh connection; the raw reply ('' when the server hung up). */
export function redisCommand(port: number, args: string[], timeoutMs?: number): Promise<string>;

/** A handle on a redis-server with these flags (e.g. one another process started); starts nothing. */
export function redisServer(spec: { binary: string; port: number; args: readonly string[] }): RedisServer;

/** A daemonized redis-server without persistence on a free loopback port; resolves on PONG. */
export function startRedis(options: StartRedisOptions): Promise<RedisServer>;

/** Stops servers still running under `dir` by their pid files; resolves with the pid files found running. */
export function stopServersUnder(dir: string): Promise<string[]>;

/** Signals every server under `dir` to quit now, without waiting (exit handlers). */
export function killServersUnder(dir: string): void;
