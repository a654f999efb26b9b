import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { DatabaseRefusedError, DatabaseUnreachableError, MigrationError } from '../shared/database/index.js';
import { EmbeddingModelLoadError } from '../shared/embeddings/index.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { RedisUnreachableError } from '../shared/redis/index.js';
import { PortInUseError } from './ensure-port-free.js';

/** What an entry point's `start` hands back: how to stop it. */
export interface Started {
  /** Runs the whole shutdown (it logs its own progress). Resolves when everything is closed. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface RunMainOptions {
  /** "API" or "Worker": start-up failures print `<label> failed to start: <one line>` on stderr. */
  readonly label: string;
  /** The logger's `name` field. */
  readonly loggerName: string;
  /** Opens and wires everything; everything it opened must be closed by `stop`. */
  start(config: Config, logger: Logger): Promise<Started>;
  /** Exit 1 if `stop` has not finished this long after the signal, in ms. */
  readonly shutdownTimeoutMs: (config: Config) => number;
}

/**
 * The process shell both entry points share: configuration (one message naming every bad variable),
 * the logger, start-up failures as one line on stderr and exit 1, SIGTERM/SIGINT → `stop` → exit 0
 * (exit 1 if it fails or outlives `shutdownTimeoutMs`). A signal during start-up stops right after it.
 */
export function runMain(options: RunMainOptions): void {
  let config: Config;
  try {
    config = loadConfig(undefined, { envFile: '.env' });
  } catch (err) {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `${options.label} failed to start: ${String(err)}`}\n`,
    );
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel, name: options.loggerName });

  let signalled: NodeJS.Signals | null = null;
  let started: Started | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    if (!started) return; // start-up finishes first, then stops (below)
    const force = setTimeout(() => {
      logger.error({ timeoutMs: options.shutdownTimeoutMs(config) }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs(config));
    force.unref();
    started.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  options.start(config, logger).then(
    (s) => {
      started = s;
      if (signalled) {
        const signal = signalled;
        signalled = null;
        stop(signal);
      }
    },
    (err: unknown) => {
      // Known start-up failures carry one safe line; anything else is logged in full for developers first.
      if (!isStartupError(err)) logger.error({ err }, 'start-up failed');
      process.stderr.write(`${options.label} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

const STARTUP_ERRORS = [
  DatabaseUnreachableError,
  DatabaseRefusedError,
  MigrationError,
  RedisUnreachableError,
  PortInUseError,
  EmbeddingModelLoadError,
];

/** Errors whose message is already the one line an operator needs (no stack, no JSON duplicate). */
function isStartupError(err: unknown): boolean {
  return STARTUP_ERRORS.some((cls) => err instanceof cls);
}
