/**
 * `GET /emulator/messages/{id}/html?token=…`: the tracked HTML for a browser, so a person can open
 * a message and cause real opens and clicks. A browser cannot send the token header, hence the
 * query parameter (or the web UI's session cookie); this route is mounted before the header
 * check and does its own.
 *
 * The HTML is the sender's own, served from the emulator's origin with a sandboxing CSP (no
 * scripts, so nothing in it can read the token from the URL) and no referrer.
 */
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

export function messageHtmlRoute(sending: Sending, token: string, publicUrl: () => string, sessions?: WebSessions): Router {
  const r = Router();
  r.get('/emulator/messages/:id/html', (req, res, next) => {
    const given = typeof req.query.token === 'string' ? req.query.token : extractToken(req.headers);
    // The web UI links here with its session cookie instead (a GET: nothing changes).
    const bySession = !given && !!sessions?.sessionOf(req.headers);
    if (!bySession && (!given || !tokenMatches(given, token))) return next(new UnauthorizedError());
    const v = sending.getMessage(String(req.params.id));
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
