/** What the raw-body fast paths (fastSend.ts, reusedBody.ts) take on: a body they can read as it comes. */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The request's Content-Length when its body is plain (no Content-Encoding, no Transfer-Encoding)
 * and at most `limit` bytes; undefined otherwise (body-parser's path then reads it, and answers).
 */
export function plainBodyLength(h: IncomingHttpHeaders, limit: number): number | undefined {
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return undefined;
  const length = Number(h['content-length']);
  return Number.isSafeInteger(length) && length <= limit ? length : undefined;
}
