/**
 * The API token check, shared by the HTTP adapter (Bearer / Api-Token) and the SMTP adapter (the
 * AUTH password): a neutral module, so neither adapter imports the other.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const tokenDigest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison: both sides are hashed to equal length first (`expected` may be a digest already). */
export function tokenMatches(given: string, expected: string | Buffer): boolean {
  return timingSafeEqual(tokenDigest(given), typeof expected === 'string' ? tokenDigest(expected) : expected);
}
