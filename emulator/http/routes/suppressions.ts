/**
 * Mailtrap's suppressions API (`/api/accounts/{account_id}/suppressions`), the shape the official
 * client's `suppressions` resource reads: list (optionally `?email=`), create, delete.
 */
import { Router } from 'express';
import type { Sending } from '../../core/sending';
import { suppressionToWire } from '../sendingWire';

export function suppressionRoutes(sending: Sending): Router {
  const r = Router();
  const base = '/api/accounts/:accountId/suppressions';
  const wire = (s: Parameters<typeof suppressionToWire>[0]) =>
    suppressionToWire(s, s.messageId ? sending.getMessage(s.messageId) : undefined);

  r.get(base, (req, res) => {
    const email = typeof req.query.email === 'string' && req.query.email !== '' ? req.query.email : undefined;
    res.json(sending.suppressions.list({ email }).map(wire));
  });
  r.post(base, (req, res) => {
    res.json({ data: wire(sending.suppressions.create(req.body)) });
  });
  r.delete(`${base}/:id`, (req, res) => {
    res.json(wire(sending.suppressions.delete(String(req.params.id))));
  });
  return r;
}
