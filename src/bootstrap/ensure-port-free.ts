import { createServer } from 'node:net';

/** The API's port is taken; `message` is one line naming it. */
export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number, host: string, options?: { cause?: unknown }) {
    super(`port ${port} is already in use on ${host} (set PORT to another one)`, options);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/**
 * Binds and releases `port` once, so a busy port is reported before migrations and model loading
 * rather than after them. Port 0 (any free port) is always free.
 * @throws PortInUseError on EADDRINUSE; other bind errors (EACCES) are rethrown as they are.
 */
export async function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, host, { cause: err }) : err),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
