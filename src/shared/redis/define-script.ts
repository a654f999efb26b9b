import type { Redis } from 'ioredis';

/** Runs a script defined with `defineScript`: keys first, then arguments (all strings). */
export type RedisScript = (...keysThenArgs: string[]) => Promise<unknown>;

/**
 * The one way we run Lua: ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL by itself
 * when the server lost its script cache (a restart, SCRIPT FLUSH), so no caller tells NOSCRIPT apart.
 * Defining the same `name` again on one connection reuses the first definition.
 * @throws TypeError for an empty name or a negative key count (wiring mistakes).
 */
export function defineScript(client: Redis, name: string, lua: string, numberOfKeys: number): RedisScript {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`script name must be alphanumeric, got "${name}"`);
  if (!Number.isInteger(numberOfKeys) || numberOfKeys < 0) throw new TypeError('numberOfKeys must be ≥ 0');
  const commands = client as unknown as Record<string, RedisScript | undefined>;
  if (typeof commands[name] !== 'function') client.defineCommand(name, { lua, numberOfKeys });
  return (...keysThenArgs) => (commands[name] as RedisScript).apply(client, keysThenArgs);
}
