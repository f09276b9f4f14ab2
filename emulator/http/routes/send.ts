/**
 * Mailtrap's Send and Batch APIs (SPEC §2) on both streams: `/api/send`, `/api/batch`
 * (transactional) and `/bulk/api/send`, `/bulk/api/batch` (bulk). Errors render as
 * `{"success":false,"errors":[…]}` in http/errors.ts.
 */
import { Router } from 'express';
import type { Sending } from '../../core/sending';
import type { SendingStream } from '../../core/types';

export function sendRoutes(sending: Sending): Router {
  const r = Router();
  const streams: [string, SendingStream][] = [
    ['/api', 'transactional'],
    ['/bulk/api', 'bulk'],
  ];
  for (const [prefix, stream] of streams) {
    r.post(`${prefix}/send`, (req, res) => {
      res.json({ success: true, message_ids: sending.service.ingest(req.body, stream, 'api') });
    });
    r.post(`${prefix}/batch`, (req, res) => {
      res.json({ success: true, responses: sending.service.batch(req.body, stream) });
    });
  }
  return r;
}
