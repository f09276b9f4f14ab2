/** Delivery inspection, resend, the test button and replay (SPEC §4–§6), over the delivery service. */
import { Router, type Request } from 'express';
import type { Core } from '../../core';
import type { DeliveryService } from '../../core/delivery/deliveryService';
import { DELIVERY_STATUSES, type DeliveryFilter, type DeliveryStatus } from '../../core/delivery/types';
import { BadRequestError, NotFoundError } from '../../core/errors';
import type { EventPayload } from '../../core/events';
import type { Utf8Json } from '../../core/jsonText';
import { REPLAY_PART, replayEvents } from '../../core/replay';
import type { ReplayLines } from '../replayLines';
import { parseEventType, toPayloadEventName } from '../../core/types';
import { deliveryToDto, deliveryToStreamDto } from '../deliveryWire';
import type { DeliveryDto, DeliverySummaryDto, Page, ReplayResult, WebhookTestResult } from '../dto';

const isStatus = (s: string): s is DeliveryStatus => DELIVERY_STATUSES.some((x) => x === s);

function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  return id;
}

function positiveInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new BadRequestError([`'${name}' must be a positive integer`]);
  return n;
}

/**
 * `?summary=true`: each delivery as the stream announces it (`DeliverySummaryDto`: no batch body,
 * attempts without bodies), for views that show a status, not a payload. A page of 200 full
 * 500-event batches is tens of MB of JSON.
 */
function summaryParam(req: Request): boolean {
  const v = (req.query as Record<string, unknown>).summary;
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new BadRequestError([`'summary' must be true or false`]);
}

function filterOf(req: Request): DeliveryFilter {
  const q = req.query as Record<string, string | undefined>;
  // `?email=a&email=b` parses to an array: one value each, or a clear 400 (found by fuzzing).
  for (const key of ['webhook_id', 'status', 'event', 'message_id', 'email', 'q', 'before', 'limit']) {
    if (typeof q[key] !== 'string' && q[key] !== undefined) throw new BadRequestError([`'${key}' must be given once`]);
  }
  const f: DeliveryFilter = {};
  f.webhookId = positiveInt(q.webhook_id, 'webhook_id');
  if (q.status) {
    if (!isStatus(q.status)) throw new BadRequestError([`'status' must be one of ${DELIVERY_STATUSES.join(', ')}`]);
    f.status = q.status;
  }
  if (q.event) {
    const t = parseEventType(q.event);
    if (!t) throw new BadRequestError([`'event' is not an event type`]);
    f.event = toPayloadEventName(t);
  }
  if (q.message_id) f.messageId = q.message_id;
  if (q.email) f.email = q.email;
  if (q.q?.trim()) {
    if (q.q.length > 320) throw new BadRequestError([`'q' is at most 320 characters`]);
    f.search = q.q.trim();
  }
  f.beforeId = positiveInt(q.before, 'before');
  const limit = positiveInt(q.limit, 'limit') ?? 50;
  if (limit > 500) throw new BadRequestError([`'limit' is at most 500`]);
  f.limit = limit;
  return f;
}

export function deliveryRoutes(core: Core, delivery: DeliveryService, lines?: ReplayLines): Router {
  const r = Router();

  r.get('/emulator/deliveries', (req, res) => {
    const f = filterOf(req);
    const summary = summaryParam(req);
    const { data, total } = delivery.list(f, { body: !summary });
    const next_before = data.length === f.limit ? data[data.length - 1].id : null;
    if (summary) {
      const page: Page<DeliverySummaryDto> = { data: data.map(deliveryToStreamDto), next_before, total };
      res.json(page);
      return;
    }
    const page: Page<DeliveryDto> = { data: data.map(deliveryToDto), next_before, total };
    res.json(page);
  });

  r.get('/emulator/deliveries/:id', (req, res) => {
    res.json({ data: deliveryToDto(delivery.get(idParam(req))) });
  });

  r.post('/emulator/deliveries/:id/resend', (req, res) => {
    const body = (req.body ?? {}) as { event_id?: unknown };
    if (body.event_id !== undefined && (typeof body.event_id !== 'string' || body.event_id === '')) {
      throw new BadRequestError([`'event_id' must be a string`]);
    }
    res.json({ data: deliveryToDto(delivery.resend(idParam(req), body.event_id as string | undefined)) });
  });

  r.post('/emulator/webhooks/:id/test', async (req, res) => {
    const result = await delivery.test(idParam(req));
    const wire: WebhookTestResult = result;
    res.json(wire);
  });

  r.post('/emulator/replay', async (req, res) => {
    const body: unknown = req.body;
    const keepIds = (req.query as Record<string, unknown>).keep_ids === 'true' || (typeof body === 'object' && (body as { keep_ids?: unknown })?.keep_ids === true);
    // JSON Lines come as their bytes when UTF-8 (app.ts); each payload's JSON is made as bytes, in
    // buildEvent's field order (replay.ts). Recorded in parts as they are made, in one transaction:
    // a refused line, wherever it is, rolls back every part before it (nothing is half-recorded).
    // A large body's lines are made on both cores first (replayLines.ts), then recorded in parts of
    // REPLAY_PART as well: each half recorded whole cost 0.7 µs more CPU an event (engine A/B 0.96).
    const eventIds: string[] = [];
    const now = core.clock.now();
    const uuid = () => core.events.newEventId();
    let gone = false;
    res.once('close', () => (gone = true));
    const made = lines && !keepIds && body instanceof Uint8Array ? await lines.make(body, now) : undefined;
    // Its client gone meanwhile, a large body's buffer may be another request's already
    // (reusedBody.ts): it is not read again, and nothing is recorded (nothing was answered).
    if (!made && gone) return;
    core.events.recordInParts((record) => {
      const part = (payloads: EventPayload[], jsons: Utf8Json[]) => {
        const stored = record(payloads, { jsons });
        for (let i = 0; i < stored.length; i++) eventIds.push(stored[i].payload.event_id);
      };
      if (!made) return replayEvents(body, { keepIds, now, uuid, part });
      for (const { payloads, jsons } of made) {
        for (let i = 0; i < payloads.length; i += REPLAY_PART) part(payloads.slice(i, i + REPLAY_PART), jsons.slice(i, i + REPLAY_PART));
      }
    });
    const result: ReplayResult = { recorded: eventIds.length, event_ids: eventIds };
    res.json({ data: result });
  });

  return r;
}
