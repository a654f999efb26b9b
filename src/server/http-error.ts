import type { Response } from 'express';
import { HTTP_STATUS, type ErrorCode } from '../shared/errors.js';

/**
 * Answers a request that never reached GraphQL (unknown route, unreadable body) with the same envelope
 * GraphQL errors have: `{ errors: [{ message, extensions: { code } }] }`. The status comes from the code's
 * mapping (errors.ts) unless the HTTP layer knows better (413 too large, 415 unreadable encoding).
 */
export function sendHttpError(res: Response, code: ErrorCode, message: string, status = HTTP_STATUS[code]): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The answer for an error body-parser or Express raised before GraphQL ran; null for anything unexpected. */
export function bodyErrorAnswer(err: unknown): { status: number; message: string } | null {
  const e = err as { status?: number; type?: string } | null;
  if (e?.type === 'entity.parse.failed' || e?.status === 400) return { status: 400, message: 'Malformed JSON body' };
  if (e?.status === 413) return { status: 413, message: 'Request body too large' };
  // body-parser refuses a charset it cannot decode (`charset.unsupported`) or a Content-Encoding it does not
  // know (`encoding.unsupported`) with 415: the client's mistake, not ours.
  if (e?.status === 415)
    return {
      status: 415,
      message: 'Unsupported request encoding: send the body as UTF-8 JSON (Content-Type: application/json)',
    };
  return null;
}
