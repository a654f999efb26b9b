import type { Redis } from 'ioredis';

/** Runs a script defined with `defineScript`: keys first, then arguments (a dynamic script: the key count first). */
export type RedisScript = (...keysThenArgs: Array<string | number>) => Promise<unknown>;

/**
 * The one way we run Lua: ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL by itself
 * when the server lost its script cache (a restart, SCRIPT FLUSH), so no caller tells NOSCRIPT apart.
 * Defining the same `name` again on one connection reuses the first definition. Without `numberOfKeys` the
 * script takes a variable number of keys, and every call passes that count first (as EVAL does).
 * @throws TypeError for an empty name or a negative key count (wiring mistakes).
 */
export function defineScript(client: Redis, name: string, lua: string, numberOfKeys?: number): RedisScript {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`script name must be alphanumeric, got "${name}"`);
  if (numberOfKeys !== undefined && (!Number.isInteger(numberOfKeys) || numberOfKeys < 0))
    throw new TypeError('numberOfKeys must be ≥ 0');
  const commands = client as unknown as Record<string, RedisScript | undefined>;
  if (typeof commands[name] !== 'function')
    client.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  return (...keysThenArgs) => (commands[name] as RedisScript).apply(client, keysThenArgs);
}
