/**
 * Emulator-only read APIs and trigger (dto.ts): `GET /emulator/messages[/{id}]`,
 * `GET /emulator/events`, `POST /emulator/events`. Lists are newest first, paginated with
 * `?before=<id>&limit=<n>` (default 50, at most 500).
 */
import { Router, type Request } from 'express';
import type { Core } from '../../core';
import { BadRequestError, NotFoundError } from '../../core/errors';
import type { EventFilter } from '../../core/events';
import type { Sending } from '../../core/sending';
import { parseEventType, toPayloadEventName } from '../../core/types';
import type { EventDto, Page } from '../dto';
import { messageSummaryToDto, messageToDto } from '../sendingWire';

function page(req: Request): { before?: number; limit: number } {
  const q = req.query as Record<string, unknown>;
  const problems: string[] = [];
  let limit = 50;
  let before: number | undefined;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) problems.push("'limit' must be a whole number from 1 to 500");
  }
  if (q.before !== undefined) {
    before = Number(q.before);
    if (!Number.isSafeInteger(before) || before < 1) problems.push("'before' must be a positive whole number");
  }
  if (problems.length) throw new BadRequestError(problems);
  return { before, limit };
}

const queryString = (req: Request, key: string): string | undefined => {
  const v = (req.query as Record<string, unknown>)[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequestError([`'${key}' must be given once`]);
  return v;
};

export function messageRoutes(core: Core, sending: Sending, publicUrl: () => string): Router {
  const r = Router();
  /** A message's events, oldest first (a lifecycle is a handful; the cap guards trigger floods). */
  const eventsOf = (id: string) => core.events.list({ messageId: id, limit: 500 }).map((e) => e.payload).reverse();

  r.get('/emulator/messages', (req, res) => {
    const { before, limit } = page(req);
    const { items, total } = sending.listMessages({ email: queryString(req, 'email'), beforeSeq: before, limit });
    const body: Page<ReturnType<typeof messageSummaryToDto>> = {
      data: items.map((v) => messageSummaryToDto(v, eventsOf(v.message.id))),
      next_before: items.length === limit ? items[items.length - 1].message.seq : null,
      total,
    };
    res.json(body);
  });

  r.get('/emulator/messages/:id', (req, res) => {
    const v = sending.getMessage(String(req.params.id));
    if (!v) throw new NotFoundError();
    res.json(messageToDto(v, eventsOf(v.message.id), publicUrl()));
  });

  r.get('/emulator/events', (req, res) => {
    const { before, limit } = page(req);
    const typeParam = queryString(req, 'type');
    const type = typeParam === undefined ? undefined : parseEventType(typeParam);
    if (typeParam !== undefined && !type) throw new BadRequestError([`'type' ${JSON.stringify(typeParam)} is not an event type`]);
    const filter: EventFilter = {
      type: type && toPayloadEventName(type),
      messageId: queryString(req, 'message_id'),
      email: queryString(req, 'email'),
      beforeId: before,
      limit,
    };
    const events = core.events.list(filter);
    const body: Page<EventDto> = {
      data: events.map((e) => ({ id: e.id, recordedAt: e.recordedAt, payload: e.payload })),
      next_before: events.length === limit ? events[events.length - 1].id : null,
      total: core.events.count(filter),
    };
    res.json(body);
  });

  r.post('/emulator/events', (req, res) => {
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError(['Request body must be a JSON object']);
    res.json({ data: sending.trigger.trigger(body) });
  });

  return r;
}
