import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths pino replaces with [REDACTED] wherever they appear in a log object. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'clientSecret',
  '*.clientSecret',
  'secret',
  '*.secret',
  'code_verifier',
  '*.code_verifier',
  'connectionParams',
  '*.connectionParams',
];

export interface CreateLoggerOptions {
  readonly level: string;
  readonly name?: string;
  /** Where to write (tests pass a memory stream). Default: stdout. */
  readonly destination?: DestinationStream;
}

/** A pino JSON logger with secret redaction. Secrets wrapped in `Secret` also print as [REDACTED]. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'pharos',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

/**
 * Returns a function that logs `message` at warn level at most once per `intervalMs`,
 * with the number of calls suppressed since the last line (`skipped`).
 */
export function createThrottledWarn(logger: Logger, intervalMs = 10_000, now: () => number = Date.now) {
  let last = -Infinity;
  let skipped = 0;
  return (obj: Record<string, unknown>, message: string): void => {
    const t = now();
    if (t - last >= intervalMs) {
      logger.warn({ ...obj, skipped }, message);
      last = t;
      skipped = 0;
    } else {
      skipped++;
    }
  };
}
