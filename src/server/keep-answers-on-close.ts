import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Makes `server.close()` spare connections whose answer is still being written. Node's own
 * `closeIdleConnections` (called by `close()`, so by Apollo's drain on SIGTERM) treats a response as done as
 * soon as `end()` was called, and destroys its socket while the bytes still wait in the socket's buffer for a
 * slow reader: the client lost the tail of a multi-megabyte answer. Here a connection is idle only when no
 * request on it is unfinished and nothing is left to write; upgraded (WebSocket) sockets are never touched
 * (they are closed with 1001 by the WebSocket server's own shutdown).
 */
export function keepAnswersOnClose(server: Server): void {
  const open = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.on('upgrade', (_req, socket: Socket) => open.delete(socket));
  server.on('request', (req, res) => {
    const socket = req.socket;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (open.has(socket)) open.set(socket, Math.max(0, (open.get(socket) ?? 1) - 1));
    });
  });
  server.closeIdleConnections = () => {
    for (const [socket, requests] of open) if (requests === 0 && socket.writableLength === 0) socket.destroy();
  };
}
