/**
 * The emulator's own web UI (issue 15). Public, and revealing no data: the static shell (`/`), the
 * frames that hold the VS Code webview components (`/ui/inspector`, `/ui/form`), their assets,
 * and the login exchange (`POST /ui/session`). Everything the UI shows comes from the API routes,
 * which want the token or a session (webSession.ts).
 *
 * Every page has a strict CSP: scripts only by this response's nonce, styles and frames only
 * from this origin, and only this origin may frame the pages (no clickjacking).
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../core/errors';
import { HttpError, UnauthorizedError } from '../errors';
import type { SampleFiles, WebAssets } from '../webAssets';
import { sameOrigin, sessionCookie, type WebSessions } from '../webSession';

type Page = { title: string; script: string };
const PAGES: Record<string, Page> = {
  '/': { title: 'Mailtrap Emulator', script: 'web.js' },
  '/ui/inspector': { title: 'Payload Inspector', script: 'inspector.js' },
  '/ui/form': { title: 'Form', script: 'form.js' },
  '/ui/message': { title: 'Message Timeline', script: 'message.js' },
};

function csp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function pageHtml(p: Page, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="icon" href="/ui/assets/icon.svg">
<link rel="stylesheet" href="/ui/assets/webview.css">
<link rel="stylesheet" href="/ui/assets/web.css">
<title>${p.title}</title>
</head>
<body class="${p.script === 'web.js' ? 'web-shell' : 'web-frame'}">
<div id="app" role="main"></div>
<script nonce="${nonce}" src="/ui/assets/${p.script}"></script>
</body>
</html>`;
}

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

export function webUiRoutes(assets: WebAssets, sessions: WebSessions): Router {
  const r = Router();

  for (const [route, page] of Object.entries(PAGES)) {
    r.get(route, (_req, res) => {
      if (!assets.dir) {
        res.status(503).set(NO_STORE).type('text/plain').send('The web UI is not built: run `npm run build`.');
        return;
      }
      const nonce = randomBytes(16).toString('base64');
      res.set({ ...NO_STORE, 'Content-Security-Policy': csp(nonce), 'X-Frame-Options': 'SAMEORIGIN', 'Content-Type': 'text/html; charset=utf-8' });
      res.send(pageHtml(page, nonce));
    });
  }

  r.get('/ui/assets/:file', (req, res, next) => {
    const a = assets.get(String(req.params.file));
    if (!a) return next(new NotFoundError());
    // Revalidated every time: a rebuilt emulator serves its new UI at once.
    res.set({ 'Content-Type': a.type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).send(a.body);
  });

  /** `{"code": "<one-time login code>"}` or `{"token": "<API token>"}` → 204 and the session cookie. */
  r.post('/ui/session', (req: Request, res: Response, next) => {
    if (!sameOrigin(req.headers)) return next(new HttpError(403, 'Cross-origin request refused'));
    const body = (req.body ?? {}) as { code?: unknown; token?: unknown };
    const id = sessions.open(body);
    if (!id) return next(new UnauthorizedError());
    res.set({ ...NO_STORE, 'Set-Cookie': sessionCookie(req.headers, id) }).status(204).end();
  });

  r.post('/ui/logout', (req, res, next) => {
    if (!sameOrigin(req.headers)) return next(new HttpError(403, 'Cross-origin request refused'));
    sessions.close(sessions.sessionOf(req.headers));
    res.set({ ...NO_STORE, 'Set-Cookie': sessionCookie(req.headers, null) }).status(204).end();
  });

  return r;
}

/** Behind auth: a fresh login link (the extension's Open in Browser), and the bundled samples. */
export function webUiApiRoutes(sessions: WebSessions, samples: SampleFiles, publicUrl: () => string): Router {
  const r = Router();
  r.post('/emulator/ui/login', (_req, res) => {
    res.set(NO_STORE).json({ url: sessions.loginUrl(publicUrl()) });
  });
  r.get('/emulator/samples', (_req, res) => {
    res.json({ data: samples.list() });
  });
  r.get('/emulator/samples/:name', (req, res, next) => {
    const name = String(req.params.name);
    const text = samples.read(name);
    if (text === undefined) return next(new NotFoundError());
    res.type(name.endsWith('.jsonl') ? 'application/jsonl' : 'application/json').send(text);
  });
  return r;
}
