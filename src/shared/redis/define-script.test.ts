import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { registerCleanup, startExtraRedis } from '../../../test/support/services.js';
import { defineScript } from './define-script.js';

describe('defineScript', () => {
  it('runs a script by SHA and keeps working after SCRIPT FLUSH (no NOSCRIPT reaches the caller)', async () => {
    // A server of its own: SCRIPT FLUSH on the shared one would disturb parallel tests.
    const server = await startExtraRedis();
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    registerCleanup(() => client.quit().catch(() => client.disconnect()));
    const incrBy = defineScript(client, 'testIncrBy', "return redis.call('INCRBY', KEYS[1], ARGV[1])", 1);
    expect(await incrBy('n', '2')).toBe(2);
    await client.script('FLUSH');
    expect(await incrBy('n', '3')).toBe(5);
    // The same name on the same connection reuses the definition.
    expect(await defineScript(client, 'testIncrBy', 'return 0', 1)('n', '1')).toBe(6);
  });

  it('refuses wiring mistakes with TypeError', () => {
    const client = new Redis({ lazyConnect: true });
    expect(() => defineScript(client, 'bad name', 'return 1', 0)).toThrow(TypeError);
    expect(() => defineScript(client, 'ok', 'return 1', -1)).toThrow(TypeError);
    client.disconnect();
  });
});
