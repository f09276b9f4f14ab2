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

/** `body` is the parsed JSON object, or the JSON Lines text. */
export function parseReplay(body: unknown, opts: ReplayOptions): EventPayload[] {
  const errors: string[] = [];
  const out: EventPayload[] = [];
  let count = 0;
  const lines = typeof body === 'string';
  /** Checks an event (`at`: its line, or its index in `events`) and makes its payload. */
  const take = (e: unknown, at: number) => {
    if (++count > MAX_REPLAY_EVENTS) return;
    const found = problems(e, opts.keepIds);
    if (found.length) {
      if (errors.length < 20) for (const p of found) errors.push(`${lines ? `line ${at}` : `events[${at}]`}: ${p}`);
    } else if (!errors.length) out.push(toPayload(e as Record<string, unknown>, opts));
  };
  if (typeof body === 'string') {
    // Line by line, each parsed, checked and made into its payload before the next: a request
    // holds up to 50,000 lines (issue 13), and neither the lines nor their parsed objects are kept
    // (kept for the whole request, each young-generation collection meanwhile copied them all).
    // A line that starts with `{` is not trimmed first (JSON.parse allows the whitespace around it).
    let lineNo = 0;
    for (let from = 0; from <= body.length; ) {
      let to = body.indexOf('\n', from);
      if (to < 0) to = body.length;
      const line = body.slice(from, to);
      from = to + 1;
      lineNo++;
      if (line.charCodeAt(0) !== 0x7b && line.trim() === '') continue;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        throw new BadRequestError([`line ${lineNo}: not valid JSON`]);
      }
      take(e, lineNo);
    }
  } else if (body && typeof body === 'object' && Array.isArray((body as { events?: unknown }).events)) {
    const events = (body as { events: unknown[] }).events;
    for (let i = 0; i < events.length; i++) take(events[i], i);
  } else {
    throw new BadRequestError([`body must be {"events":[...]} or JSON Lines (Content-Type: application/jsonl)`]);
  }
  if (count === 0) throw new BadRequestError(['no events to replay']);
  if (count > MAX_REPLAY_EVENTS) throw new BadRequestError([`at most ${MAX_REPLAY_EVENTS} events per replay`]);
  if (errors.length) throw new BadRequestError(errors.slice(0, 20));
  return out;
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/**
 * What is wrong with an event, each as the 400 names it; for most events none, and no list made.
 * Each field is read by name: read by a computed key in a loop over names, the check cost as much
 * as the JSON parse of the line itself (issue 13).
 */
export function problems(e: unknown, keepIds: boolean): readonly string[] {
  if (!e || typeof e !== 'object' || Array.isArray(e)) return ['must be an object'];
  const o = e as Record<string, unknown>;
  let p: string[] | undefined;
  if (!parseEventType(o.event)) (p ??= []).push(`'event' must be one of delivery, open, click, unsubscribe, spam, soft bounce, bounce, suspension, reject`);
  if (!nonEmpty(o.message_id)) (p ??= []).push(`'message_id' is required`);
  if (!nonEmpty(o.email)) (p ??= []).push(`'email' is required`);
  if (!nonEmpty(o.sending_domain_name)) (p ??= []).push(`'sending_domain_name' is required`);
  if (!(SENDING_STREAMS as readonly unknown[]).includes(o.sending_stream)) (p ??= []).push(`'sending_stream' must be transactional or bulk`);
  if (keepIds && !nonEmpty(o.event_id)) (p ??= []).push(`'event_id' is required with keep_ids`);
  if (keepIds && o.timestamp !== undefined && !Number.isInteger(o.timestamp)) (p ??= []).push(`'timestamp' must be unix seconds`);
  if (!optionalString(o.category)) (p ??= []).push(`'category' must be a string`);
  if (!optionalString(o.response)) (p ??= []).push(`'response' must be a string`);
  if (!optionalString(o.bounce_category)) (p ??= []).push(`'bounce_category' must be a string`);
  if (!optionalString(o.reason)) (p ??= []).push(`'reason' must be a string`);
  if (!optionalString(o.ip)) (p ??= []).push(`'ip' must be a string`);
  if (!optionalString(o.user_agent)) (p ??= []).push(`'user_agent' must be a string`);
  if (!optionalString(o.url)) (p ??= []).push(`'url' must be a string`);
  if (o.response_code !== undefined && !Number.isInteger(o.response_code)) (p ??= []).push(`'response_code' must be an integer`);
  const cv = o.custom_variables;
  if (cv !== undefined && (cv === null || typeof cv !== 'object' || Array.isArray(cv))) (p ??= []).push(`'custom_variables' must be an object`);
  return p ?? NONE;
}
const NONE: readonly string[] = [];

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
  // In buildEvent's order (payloadUtf8 writes them so), each read by name.
  if (o.category !== undefined) e.category = o.category as string;
  if (o.custom_variables !== undefined) e.custom_variables = o.custom_variables as Record<string, unknown>;
  if (o.response !== undefined) e.response = o.response as string;
  if (o.response_code !== undefined) e.response_code = o.response_code as number;
  if (o.bounce_category !== undefined) e.bounce_category = o.bounce_category as string;
  if (o.reason !== undefined) e.reason = o.reason as string;
  if (o.ip !== undefined) e.ip = o.ip as string;
  if (o.user_agent !== undefined) e.user_agent = o.user_agent as string;
  if (o.url !== undefined) e.url = o.url as string;
  return e;
}
