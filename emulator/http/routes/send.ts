/**
 * Mailtrap's Send and Batch APIs (SPEC §2) on both streams: `/api/send`, `/api/batch`
 * (transactional) and `/bulk/api/send`, `/bulk/api/batch` (bulk). Errors render as
 * `{"success":false,"errors":[…]}` in http/errors.ts.
 */
import { Router } from 'express';
import type { Sending } from '../../core/sending';
import type { SendingStream } from '../../core/types';

/** The Send and Batch API routes: path → stream, and whether it is a batch. */
export const SEND_ROUTES: Record<string, { stream: SendingStream; batch: boolean }> = {
  '/api/send': { stream: 'transactional', batch: false },
  '/api/batch': { stream: 'transactional', batch: true },
  '/bulk/api/send': { stream: 'bulk', batch: false },
  '/bulk/api/batch': { stream: 'bulk', batch: true },
};

/** The 200 answer to a request of `route` (throws what the core refuses, for the error handler). */
export function sendAnswer(sending: Sending, route: { stream: SendingStream; batch: boolean }, body: unknown): object {
  return route.batch
    ? { success: true, responses: sending.service.batch(body as never, route.stream) }
    : { success: true, message_ids: sending.service.ingest(body as never, route.stream, 'api') };
}

export function sendRoutes(sending: Sending): Router {
  const r = Router();
  for (const [path, route] of Object.entries(SEND_ROUTES)) r.post(path, (req, res) => res.json(sendAnswer(sending, route, req.body)));
  return r;
}
