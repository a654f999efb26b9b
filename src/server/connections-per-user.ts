import { CloseCode } from 'graphql-ws';

/**
 * Close code for a connection beyond WS_MAX_CONNECTIONS_PER_USER: graphql-ws's 4403 Forbidden, which its
 * client retries with backoff (a slot frees when another of the user's sockets closes), unlike 4429.
 */
export const WS_CLOSE_TOO_MANY_CONNECTIONS = CloseCode.Forbidden;

/** Open WebSocket connections per user on this instance, bounded by `max`. */
export interface ConnectionsPerUser {
  /** Takes a slot for `userId`; false (nothing taken) when the user already holds `max`. */
  tryAcquire(userId: string): boolean;
  /** Gives back a slot taken by tryAcquire. */
  release(userId: string): void;
}

/** @throws TypeError when `max` is not a positive integer. */
export function createConnectionsPerUser(max: number): ConnectionsPerUser {
  if (!Number.isInteger(max) || max < 1) throw new TypeError('max connections per user must be a positive integer');
  const open = new Map<string, number>();
  return {
    tryAcquire(userId) {
      const count = open.get(userId) ?? 0;
      if (count >= max) return false;
      open.set(userId, count + 1);
      return true;
    },
    release(userId) {
      const count = (open.get(userId) ?? 0) - 1;
      if (count > 0) open.set(userId, count);
      else open.delete(userId);
    },
  };
}
