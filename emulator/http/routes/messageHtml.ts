/**
 * `GET /emulator/messages/{id}/html?link=…` (or `?token=…`, or the web UI's session cookie): the
 * tracked HTML for a browser, so a person can open a message and cause real opens and clicks. A
 * browser cannot send the token header; `POST /emulator/messages/{id}/link` (token in the header)
 * hands out a one-time link instead, so the token never lands in a URL. These routes are mounted
 * before the header check and do their own.
 *
 * The HTML is the sender's own, served from the emulator's origin with a sandboxing CSP (no
 * scripts, so nothing in it can read the token from the URL) and no referrer.
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Sending } from '../../core/sending';
import { trackHtml } from '../../core/sending/tracking';
import { tokenMatches } from '../../token';
import { extractToken } from '../auth';
import { NotFoundError } from '../../core/errors';
import { UnauthorizedError } from '../errors';
import type { WebSessions } from '../webSession';

const CSP = [
  "default-src 'none'",
  'img-src * data:',
  "style-src * 'unsafe-inline'",
  'font-src * data:',
  'sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation',
].join('; ');

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Links handed out and not used yet; the oldest go first beyond the cap (nothing here needs a clock). */
const MAX_LINKS = 100;

export function messageHtmlRoute(sending: Sending, token: string, publicUrl: () => string, sessions?: WebSessions): Router {
  const r = Router();
  /** code → message id. A code opens its message once: a URL in a browser's history or a shared screen is dead. */
  const links = new Map<string, string>();
  const authorized = (req: { headers: Record<string, string | string[] | undefined> }) => {
    const given = extractToken(req.headers);
    return !!given && tokenMatches(given, token);
  };
  r.post('/emulator/messages/:id/link', (req, res, next) => {
    if (!authorized(req)) return next(new UnauthorizedError());
    const id = String(req.params.id);
    if (!sending.getMessage(id)) return next(new NotFoundError());
    const code = randomBytes(18).toString('base64url');
    links.set(code, id);
    if (links.size > MAX_LINKS) links.delete(links.keys().next().value!);
    res.json({ url: `${publicUrl()}/emulator/messages/${encodeURIComponent(id)}/html?link=${code}` });
  });
  r.get('/emulator/messages/:id/html', (req, res, next) => {
    const id = String(req.params.id);
    const link = typeof req.query.link === 'string' ? req.query.link : undefined;
    if (link !== undefined) {
      if (links.get(link) !== id) return next(new UnauthorizedError());
      links.delete(link);
    } else {
      const given = typeof req.query.token === 'string' ? req.query.token : extractToken(req.headers);
      // The web UI links here with its session cookie instead (a GET: nothing changes).
      const bySession = !given && !!sessions?.sessionOf(req.headers);
      if (!bySession && (!given || !tokenMatches(given, token))) return next(new UnauthorizedError());
    }
    const v = sending.getMessage(id);
    if (!v) return next(new NotFoundError());
    const m = v.send.mail;
    const html = m.html
      ? trackHtml(m.html, { baseUrl: publicUrl(), messageId: v.message.id, open: v.send.openTracking, click: v.send.clickTracking })
      : `<!doctype html><meta charset="utf-8"><pre>${escapeHtml(m.text ?? '')}</pre>`;
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.send(html);
  });
  return r;
}
