/**
 * Replay input (SPEC §3): a sample batch, `{"events":[…]}` or JSON Lines, validated event by
 * event into payloads ready for `EventService.record`. Any bad event rejects the whole replay
 * with a 400 naming it, so nothing is half-recorded.
 */
import { BadRequestError } from './errors';
import type { EventPayload } from './events';
import { parseEventType, SENDING_STREAMS, toPayloadEventName } from './types';

export const MAX_REPLAY_EVENTS = 50_000;

export interface ReplayOptions {
  /** Keep each event's `event_id` and `timestamp`; otherwise fresh ids and the current virtual time. */
  keepIds: boolean;
  now: number;
  uuid: () => string;
}

const STRING_FIELDS = ['category', 'response', 'bounce_category', 'reason', 'ip', 'user_agent', 'url'] as const;

/** `body` is the parsed JSON object, or the JSON Lines text. */
export function parseReplay(body: unknown, opts: ReplayOptions): EventPayload[] {
  let raw: unknown[];
  let label: (i: number) => string;
  if (typeof body === 'string') {
    const lines = body.split('\n');
    raw = [];
    const lineNo: number[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        raw.push(JSON.parse(line));
      } catch {
        throw new BadRequestError([`line ${i + 1}: not valid JSON`]);
      }
      lineNo.push(i + 1);
    });
    label = (i) => `line ${lineNo[i]}`;
  } else if (body && typeof body === 'object' && Array.isArray((body as { events?: unknown }).events)) {
    raw = (body as { events: unknown[] }).events;
    label = (i) => `events[${i}]`;
  } else {
    throw new BadRequestError([`body must be {"events":[...]} or JSON Lines (Content-Type: application/jsonl)`]);
  }
  if (raw.length === 0) throw new BadRequestError(['no events to replay']);
  if (raw.length > MAX_REPLAY_EVENTS) throw new BadRequestError([`at most ${MAX_REPLAY_EVENTS} events per replay`]);
  const errors: string[] = [];
  const out: EventPayload[] = [];
  raw.forEach((e, i) => {
    const problems = check(e, opts.keepIds);
    if (problems.length) errors.push(...problems.map((p) => `${label(i)}: ${p}`));
    else out.push(toPayload(e as Record<string, unknown>, opts));
  });
  if (errors.length) throw new BadRequestError(errors.slice(0, 20));
  return out;
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

function check(e: unknown, keepIds: boolean): string[] {
  if (!e || typeof e !== 'object' || Array.isArray(e)) return ['must be an object'];
  const o = e as Record<string, unknown>;
  const p: string[] = [];
  if (!parseEventType(o.event)) p.push(`'event' must be one of delivery, open, click, unsubscribe, spam, soft bounce, bounce, suspension, reject`);
  for (const f of ['message_id', 'email', 'sending_domain_name'] as const) if (!nonEmpty(o[f])) p.push(`'${f}' is required`);
  if (!(SENDING_STREAMS as readonly unknown[]).includes(o.sending_stream)) p.push(`'sending_stream' must be transactional or bulk`);
  if (keepIds && !nonEmpty(o.event_id)) p.push(`'event_id' is required with keep_ids`);
  if (keepIds && o.timestamp !== undefined && !Number.isInteger(o.timestamp)) p.push(`'timestamp' must be unix seconds`);
  for (const f of STRING_FIELDS) if (o[f] !== undefined && typeof o[f] !== 'string') p.push(`'${f}' must be a string`);
  if (o.response_code !== undefined && !Number.isInteger(o.response_code)) p.push(`'response_code' must be an integer`);
  const cv = o.custom_variables;
  if (cv !== undefined && (cv === null || typeof cv !== 'object' || Array.isArray(cv))) p.push(`'custom_variables' must be an object`);
  return p;
}

function toPayload(o: Record<string, unknown>, opts: ReplayOptions): EventPayload {
  const e: EventPayload = {
    event: toPayloadEventName(parseEventType(o.event)!),
    message_id: String(o.message_id),
    event_id: opts.keepIds ? String(o.event_id) : opts.uuid(),
    timestamp: opts.keepIds && Number.isInteger(o.timestamp) ? (o.timestamp as number) : Math.floor(opts.now / 1000),
    email: String(o.email),
    sending_stream: o.sending_stream as EventPayload['sending_stream'],
    sending_domain_name: String(o.sending_domain_name),
  };
  if (o.category !== undefined) e.category = o.category as string;
  if (o.custom_variables !== undefined) e.custom_variables = o.custom_variables as Record<string, unknown>;
  if (o.response !== undefined) e.response = o.response as string;
  if (o.response_code !== undefined) e.response_code = o.response_code as number;
  for (const f of ['bounce_category', 'reason', 'ip', 'user_agent', 'url'] as const) if (o[f] !== undefined) e[f] = o[f] as string;
  return e;
}
