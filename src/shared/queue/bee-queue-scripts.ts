import { createRequire } from 'node:module';
import type BeeQueue from 'bee-queue';

/**
 * bee-queue's Lua script cache (`bee-queue/lib/lua`): the script bodies and their SHA1s, read once per
 * process. It is the very module bee-queue's Queue uses (same resolved file, same require cache).
 */
const lua = createRequire(import.meta.url)('bee-queue/lib/lua/index.js') as {
  readonly scripts: Readonly<Record<string, string>>;
  readonly shas: Readonly<Record<string, string>>;
};

type Callback = (err: Error | null, reply: unknown) => void;
type RedisV3 = { send_command(name: string, args: unknown[], cb: Callback): boolean };
type QueueInternals = {
  client: RedisV3 | null;
  _evalScriptOn(commandable: unknown, args: unknown[]): Promise<unknown>;
};

/** Runs one command on a node_redis v3 client (bee-queue's own connection). */
export function sendCommand(client: unknown, name: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (client as RedisV3).send_command(name, args, (err, reply) => (err ? reject(err) : resolve(reply)));
  });
}

/**
 * True for Redis' `NOSCRIPT` reply (the script cache does not hold the SHA: Redis restarted or ran
 * SCRIPT FLUSH). node_redis sets `code` from the reply's error prefix, which is part of the protocol.
 */
export function isNoScriptError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'NOSCRIPT';
}

/**
 * Makes `queue` survive a lost Redis script cache (bee-queue issue #489: it loads its scripts once at
 * connect and then only ever sends EVALSHA, so after a Redis restart or SCRIPT FLUSH every job save,
 * stall check and delayed-job activation fails with NOSCRIPT until the process restarts).
 *
 * Every script call bee-queue makes goes through `Queue#_evalScriptOn`; this wraps it on this instance:
 * on NOSCRIPT the same call is sent once more as EVAL with the script body, which runs it atomically
 * and puts it back into the server's cache, so the next EVALSHA succeeds again. Calls queued in a
 * MULTI/batch are not retried (we never use `saveAll`).
 * @throws TypeError when this bee-queue version no longer has the internals this relies on.
 */
export function reloadScriptsOnNoScript(queue: BeeQueue, onReload: (script: string) => void): void {
  const internals = queue as unknown as QueueInternals;
  const original = internals._evalScriptOn;
  if (typeof original !== 'function' || typeof lua?.scripts !== 'object')
    throw new TypeError('bee-queue internals changed: Queue#_evalScriptOn is missing (see bee-queue-scripts.ts)');
  internals._evalScriptOn = function evalScriptOn(commandable: unknown, args: unknown[]): Promise<unknown> {
    const [name, ...rest] = args;
    // bee-queue's version mutates `args` (SHA in, callback appended): give it a copy.
    return original.call(this, commandable, [...args]).catch((err: unknown) => {
      const body = typeof name === 'string' ? lua.scripts[name] : undefined;
      if (!isNoScriptError(err) || body === undefined || commandable !== internals.client) throw err;
      onReload(name as string);
      return sendCommand(commandable, 'EVAL', body, ...rest);
    });
  };
}

/**
 * Loads every bee-queue script the server's cache is missing (SCRIPT EXISTS, then SCRIPT LOAD each
 * missing one). Returns the names it loaded. Rejects when Redis does not answer or refuses.
 */
export async function ensureScriptsLoaded(client: unknown): Promise<string[]> {
  const names = Object.keys(lua.shas);
  if (names.length === 0) return [];
  const exists = (await sendCommand(client, 'SCRIPT', 'EXISTS', ...names.map((n) => lua.shas[n]))) as number[];
  const missing = names.filter((_, i) => exists[i] !== 1);
  for (const name of missing) await sendCommand(client, 'SCRIPT', 'LOAD', lua.scripts[name]);
  return missing;
}
