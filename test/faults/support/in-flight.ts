/**
 * An HTTP request that is provably in flight: sent with `Expect: 100-continue`, so the server's
 * `100 Continue` proves it has parsed the headers and owns an active request, and the body follows
 * only when the test says so (for example right after SIGTERM).
 */
import http from 'node:http';

export interface InFlightRequest {
  /** Resolves once the server answered 100 Continue (the request is active on the server). */
  readonly accepted: Promise<void>;
  /** Sends the body and resolves with the final answer (status 0 when the connection failed). */
  finish(): Promise<{ status: number; body: string; error: string | null }>;
}

/** Opens a POST to `url` with a JSON `body`, holding the body back until `finish()`. */
export function openInFlightRequest(url: string, body: unknown, token?: string): InFlightRequest {
  const payload = JSON.stringify(body);
  const req = http.request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      expect: '100-continue',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  const answer = new Promise<{ status: number; body: string; error: string | null }>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, error: null }));
      res.on('error', (err) => resolve({ status: res.statusCode ?? 0, body: text, error: err.message }));
    });
    req.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.on('continue', () => resolve());
    req.on('error', reject);
  });
  accepted.catch(() => undefined);
  req.flushHeaders();
  return {
    accepted,
    finish() {
      req.end(payload);
      return answer;
    },
  };
}
