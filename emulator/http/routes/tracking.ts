/**
 * Tracking links, served without a token (they are what a mail client fetches): the open pixel
 * `GET /t/o/{token}` answers a 1×1 GIF and records `open`; a link `GET /t/c/{token}` records
 * `click` and redirects to the original URL. Both use the requester's IP and User-Agent.
 */
import { Router, type Request } from 'express';
import type { Sending } from '../../core/sending';
import type { EventExtras } from '../../core/sending/eventBuilder';
import { HttpError } from '../errors';

const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function requester(req: Request): EventExtras {
  const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const ua = req.headers['user-agent'];
  return { ip: ip || undefined, userAgent: typeof ua === 'string' && ua !== '' ? ua.slice(0, 1000) : undefined };
}

export function trackingRoutes(sending: Sending): Router {
  const r = Router();
  r.get('/t/o/:token', (req, res) => {
    sending.trigger.trackOpen(String(req.params.token), requester(req));
    res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL_GIF);
  });
  r.get('/t/c/:token', (req, res) => {
    const url = sending.trigger.trackClick(String(req.params.token), requester(req));
    if (!url) throw new HttpError(404, 'Unknown tracking link');
    res.set('Cache-Control', 'no-store').redirect(302, url);
  });
  return r;
}
