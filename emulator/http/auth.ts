/** Token auth for every Mailtrap-compatible and emulator route: Bearer or Api-Token (SPEC §2). */
import type { RequestHandler } from 'express';
import { tokenDigest, tokenMatches } from '../token';
import { UnauthorizedError } from './errors';

export function extractToken(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  const apiToken = headers['api-token'];
  if (typeof apiToken === 'string' && apiToken.trim()) return apiToken.trim();
  return null;
}

/** Whether request headers carry the API token (Bearer or Api-Token), compared in constant time. */
export function tokenChecker(token: string): (headers: Record<string, string | string[] | undefined>) => boolean {
  const expected = tokenDigest(token); // once, not per request
  return (headers) => {
    const given = extractToken(headers);
    return given !== null && tokenMatches(given, expected);
  };
}

export function requireToken(token: string): RequestHandler {
  const hasToken = tokenChecker(token);
  return (req, _res, next) => (hasToken(req.headers) ? next() : next(new UnauthorizedError()));
}
