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

export function requireToken(token: string): RequestHandler {
  const expected = tokenDigest(token); // once, not per request
  return (req, _res, next) => {
    const given = extractToken(req.headers);
    if (given === null || !tokenMatches(given, expected)) return next(new UnauthorizedError());
    next();
  };
}
