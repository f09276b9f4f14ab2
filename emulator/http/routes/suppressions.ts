/**
 * Mailtrap's suppressions API under both path generations (email-sending.openapi.yml:
 * `/api/suppressions[/{suppression_id}]`, and the account-scoped paths the official client 4.10
 * uses): list (`email`, `start_time`, `end_time`, `last_id` cursor; at most 1000, newest first),
 * create (201 `{"data":…}`), delete (200, the suppression). Plus the emulator's own add, which
 * also takes `sending_stream: "any"` (the web app's "Any").
 */
import { Router, type Request } from 'express';
import { BadRequestError } from '../../core/errors';
import type { Sending } from '../../core/sending';
import { suppressionToWire } from '../sendingWire';

/** An ISO 8601 query parameter as virtual ms; a bad one is Mailtrap's 400. */
function timeParam(req: Request, name: string): number | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new BadRequestError([`Invalid ${name}`]);
  return t;
}

const stringParam = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function suppressionRoutes(sending: Sending): Router {
  const r = Router();
  const wire = (s: Parameters<typeof suppressionToWire>[0]) => suppressionToWire(s, s.messageId ? sending.getMessage(s.messageId) : undefined);

  for (const base of ['/api/accounts/:accountId/suppressions', '/api/suppressions']) {
    r.get(base, (req, res) => {
      const list = sending.suppressions.list({
        email: stringParam(req, 'email'),
        lastId: stringParam(req, 'last_id'),
        from: timeParam(req, 'start_time'),
        to: timeParam(req, 'end_time'),
      });
      res.json(list.map(wire));
    });
    r.post(base, (req, res) => {
      res.status(201).json({ data: wire(sending.suppressions.create(req.body)) });
    });
    r.delete(`${base}/:id`, (req, res) => {
      res.json(wire(sending.suppressions.delete(String(req.params.id))));
    });
  }
  r.post('/emulator/suppressions', (req, res) => {
    res.status(201).json({ data: wire(sending.suppressions.create(req.body, { allowAny: true })) });
  });
  return r;
}
