/**
 * Browser access to the emulator's web UI (issue 15). A browser cannot send the token header, so:
 * - a **login link** carries a one-time code in its fragment (`http://host:port/#login=<code>`): the
 *   fragment never reaches a server log or a Referer, and the page's script exchanges it with
 *   `POST /ui/session` (a POST: no state changes on GET) for a session, then drops it from the
 *   address bar. The token itself may be exchanged the same way (the login form).
 * - the session is an `HttpOnly`, `SameSite=Strict` cookie named after the port, because cookies
 *   are scoped by host, not port: two emulators on 127.0.0.1 must not overwrite each other's.
 * - a cookie is ambient authority, so a state-changing request authenticated by it must come from
 *   the emulator's own origin (`Origin` equal to `http://<Host>`). SameSite=Strict alone does not
 *   cover this: another port on 127.0.0.1 is the same *site*.
 * Sessions and codes live in memory: a restarted emulator asks the browser to log in again.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { tokenMatches } from '../token';
import { extractToken, requireToken } from './auth';
import { HttpError, UnauthorizedError } from './errors';

/** Outstanding login codes and live sessions kept; the oldest are forgotten beyond these. */
const MAX_CODES = 32;
const MAX_SESSIONS = 256;

const newSecret = (): string => randomBytes(24).toString('hex');

export class WebSessions {
  private readonly codes = new Set<string>();
  private readonly sessions = new Set<string>();

  constructor(private readonly token: string) {}

  /** A new one-time login code. */
  issueCode(): string {
    const code = newSecret();
    this.codes.add(code);
    if (this.codes.size > MAX_CODES) this.codes.delete(this.codes.values().next().value!);
    return code;
  }

  /** The browser URL that logs in with a fresh one-time code. */
  loginUrl(origin: string): string {
    return `${origin}/#login=${this.issueCode()}`;
  }

  /** Exchanges a one-time code (consumed) or the API token for a new session id; null if neither is valid. */
  open(credential: { code?: unknown; token?: unknown }): string | null {
    let ok = false;
    if (typeof credential.code === 'string' && credential.code) {
      // Codes are random and single-use: a Set lookup leaks nothing useful by its timing.
      ok = this.codes.delete(credential.code);
    } else if (typeof credential.token === 'string' && credential.token) {
      ok = tokenMatches(credential.token, this.token);
    }
    if (!ok) return null;
    const id = newSecret();
    this.sessions.add(id);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value!);
    return id;
  }

  close(id: string | null): void {
    if (id) this.sessions.delete(id);
  }

  /** The session id of a request's cookie when it is a live session. */
  sessionOf(headers: IncomingHttpHeaders): string | null {
    const id = readCookie(headers, cookieName(headers));
    return id && this.sessions.has(id) ? id : null;
  }
}

/** `mt_emulator_<port>`: the port comes from the Host header the browser used. */
export function cookieName(headers: IncomingHttpHeaders): string {
  const port = /:(\d+)$/.exec(String(headers.host ?? ''))?.[1] ?? '80';
  return `mt_emulator_${port}`;
}

function readCookie(headers: IncomingHttpHeaders, name: string): string | null {
  for (const part of String(headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(headers: IncomingHttpHeaders, id: string | null): string {
  const base = `${cookieName(headers)}=${id ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
  return id ? base : `${base}; Max-Age=0`;
}

/** True when a request comes from a page of this emulator's own origin (the CSRF check). */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  const host = headers.host;
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  if (origin !== `http://${host}`) return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const changesState = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

/**
 * Auth for the API routes: the token (header), or a web UI session cookie. A state-changing
 * request that relies on the cookie must come from the emulator's own origin.
 */
export function requireTokenOrSession(token: string, sessions: WebSessions): RequestHandler {
  const byToken = requireToken(token);
  return (req, res, next) => {
    if (extractToken(req.headers) !== null || !req.headers.cookie) return byToken(req, res, next);
    if (!sessions.sessionOf(req.headers)) return next(new UnauthorizedError());
    if (changesState(req.method) && !sameOrigin(req.headers)) return next(new HttpError(403, 'Cross-origin request refused'));
    next();
  };
}
