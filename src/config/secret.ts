import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * Wraps a secret string so that it never leaks by accident: `toString`, `JSON.stringify`,
 * `util.inspect` (console.log, pino) and template literals all print `[REDACTED]`.
 * Call `reveal()` at the single place that needs the value (signing a JWT, opening a connection).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('Secret value must be a string');
    this.#value = value;
  }

  /** The secret value. Never log or return it to a client. */
  reveal(): string {
    return this.#value;
  }

  /** Length in bytes of the UTF-8 encoding (used for minimum-length checks). */
  get byteLength(): number {
    return Buffer.byteLength(this.#value, 'utf8');
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
