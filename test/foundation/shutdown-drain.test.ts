/**
 * Shutdown lets an answer that is still being written reach a slow reader in full: Node's own
 * `server.close()` destroyed such a socket once `end()` was called, and the tail of a 4 MB answer was lost.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createTestUser, startTestApi } from '../support/api.js';

describe('API shutdown with an answer in flight', () => {
  it('a slow reader still receives every byte of a 4 MB answer, and close() waits for it', async () => {
    const api = await startTestApi();
    const user = await createTestUser(api);
    const content = 'lorem ipsum dolor sit amet '.repeat(160_000); // ~4.3 MB
    const { id } = await api.runtime.db.prisma.resource.create({ data: { ownerId: user.id, content } });
    const body = JSON.stringify({ query: 'query($id: ID!) { resource(id: $id) { content } }', variables: { id } });
    const { port } = new URL(api.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${user.accessToken}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Read nothing: the answer is produced and end()ed, then waits in the socket buffers.
    socket.pause();
    await sleep(500);
    let closed = false;
    const closing = api.runtime.close().then(() => (closed = true));
    await sleep(500);
    expect(closed).toBe(false); // shutdown waits for the answer
    socket.resume();
    await Promise.all([ended, closing]);
    const raw = Buffer.concat(chunks).toString('utf8');
    const split = raw.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(raw.slice(0, split))?.[1]);
    expect(raw.slice(0, 15)).toBe('HTTP/1.1 200 OK');
    expect(Buffer.byteLength(raw.slice(split + 4))).toBe(length);
    const answer = JSON.parse(raw.slice(split + 4)) as { data: { resource: { content: string } } };
    expect(answer.data.resource.content).toBe(content);
  }, 30_000);
});
