/**
 * Real webhook handlers (express on 127.0.0.1, port 0) with the mistakes the endpoint check
 * exists to catch, beside one that does everything right. Each is written as a user would write
 * it: raw body, signature verified with the official SDK, events parsed by content type.
 */
import express, { type Request } from 'express';
import { verifyWebhookSignature } from 'mailtrap';
import type { AddressInfo } from 'node:net';

export interface HandlerFlaws {
  /** The status it answers a batch it accepts with (Mailtrap wants exactly 200). */
  okStatus?: number;
  /** Real milliseconds before answering. */
  delayMs?: number;
  /** Answers 500 to batches with more events than this. */
  maxEvents?: number;
  /** Checks Mailtrap-Signature (401 when wrong). */
  verifySignature?: boolean;
  /** Parses JSON Lines; without it, a JSON Lines body fails to parse (400). */
  jsonLines?: boolean;
  /** Stores event_ids under a unique key and answers 409 to one it already has. */
  rejectDuplicates?: boolean;
  /** The signing secret it verifies with (default SECRET). */
  secret?: string;
}

export interface CheckReceiver {
  url: string;
  /** The event_ids it stored (a redelivery must not fail on them). */
  seen: Set<string>;
  close(): Promise<void>;
}

export const SECRET = 'a3f5c0de11b2c4d6e8f0a1b2c3d4e5f6';

const parseEvents = (req: Request, jsonLines: boolean): unknown[] => {
  const text = (req.body as Buffer).toString('utf8');
  const type = String(req.headers['content-type'] ?? '');
  if (/jsonl/.test(type)) {
    if (!jsonLines) throw new SyntaxError('Unexpected JSON Lines body');
    return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  }
  return (JSON.parse(text) as { events: unknown[] }).events;
};

export async function startCheckReceiver(flaws: HandlerFlaws = {}): Promise<CheckReceiver> {
  const { okStatus = 200, delayMs = 0, maxEvents = Infinity, verifySignature = true, jsonLines = true, rejectDuplicates = false, secret = SECRET } = flaws;
  const seen = new Set<string>();
  const app = express();
  app.post('/webhooks/mailtrap', express.raw({ type: () => true, limit: '10mb' }), (req, res) => {
    const raw = req.body as Buffer;
    if (verifySignature && !verifyWebhookSignature(raw, String(req.headers['mailtrap-signature'] ?? ''), secret)) {
      res.status(401).send('bad signature');
      return;
    }
    let events: { event_id: string }[];
    try {
      events = parseEvents(req, jsonLines) as { event_id: string }[];
    } catch {
      res.status(400).send('bad body');
      return;
    }
    if (events.length > maxEvents) {
      res.status(500).send('too many events');
      return;
    }
    if (rejectDuplicates && events.some((e) => seen.has(e.event_id))) {
      res.status(409).send('duplicate event_id');
      return;
    }
    for (const e of events) seen.add(e.event_id);
    setTimeout(() => res.status(okStatus).end(), delayMs);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/mailtrap`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receivers of the issue, each with the check ids it must fail and the options to check it with. */
export const CASES: { name: string; flaws: HandlerFlaws; args: { format?: 'json' | 'jsonlines'; timeout?: number }; failing: string[]; ok: boolean }[] = [
  { name: 'good', flaws: {}, args: {}, failing: [], ok: true },
  { name: 'answers 204', flaws: { okStatus: 204 }, args: {}, failing: ['status-200'], ok: false },
  { name: 'answers after the timeout', flaws: { delayMs: 1300 }, args: { timeout: 1 }, failing: ['latency'], ok: false },
  { name: '500s on big batches', flaws: { maxEvents: 100 }, args: {}, failing: ['batch-500'], ok: false },
  { name: 'accepts bad signatures', flaws: { verifySignature: false }, args: {}, failing: ['signature'], ok: true },
  { name: 'fails on a redelivered batch', flaws: { rejectDuplicates: true }, args: {}, failing: ['redelivery'], ok: false },
  { name: 'fails on JSON Lines', flaws: { jsonLines: false }, args: { format: 'jsonlines' }, failing: ['format'], ok: false },
];
