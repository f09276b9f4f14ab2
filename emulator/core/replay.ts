/**
 * Replay input (SPEC §3): a sample batch, `{"events":[…]}` or JSON Lines, validated event by
 * event into payloads ready for `EventService.record`. Any bad event rejects the whole replay
 * with a 400 naming it, so nothing is half-recorded.
 */
import { BadRequestError } from './errors';
import type { EventPayload } from './events';
import { Utf8Json, writeAscii, writeBegin, writeBytes, writeEnd, writeOver, writeOverQuoted, writeQuoted, type Slab } from './jsonText';
import { payloadUtf8 } from './sending/eventBuilder';
import { SUPPRESSING_EVENTS } from './sending/model';
import { PAYLOAD_EVENT_NAMES, parseEventType, SENDING_STREAMS, toPayloadEventName, type PayloadEventName, type SendingStream } from './types';

export const MAX_REPLAY_EVENTS = 50_000;
/** Events a part of a replay in parts holds (`ReplayOptions.part`). */
export const REPLAY_PART = 1024;

export interface ReplayOptions {
  /** Keep each event's `event_id` and `timestamp`; otherwise fresh ids and the current virtual time. */
  keepIds: boolean;
  now: number;
  uuid: () => string;
  /**
   * Given: the events are handed to it in parts of `REPLAY_PART`, in order, each as soon as it is
   * made while no line was refused (the last once every line is checked), and none is returned.
   * A line refused after some parts were handed on still throws the 400 that names it: the caller
   * records the parts in one transaction (`EventService.recordInParts`), which the throw rolls
   * back. A part's payloads and records then die young, where a whole request's lived until its
   * commit, copied by every collection meanwhile (issue 13).
   */
  part?: (payloads: EventPayload[], jsons: Utf8Json[]) => void;
}

/** Bytes `start` … `end` of `b` as a string of their own (a byte a character). */
const latin1 = (b: Slab, start: number, end: number): string => (b.latin1Slice ? b.latin1Slice(start, end) : b.toString('latin1', start, end));

/** The events of a replay and their JSON, made as bytes (`payloadUtf8`'s), in request order. */
export interface ReplayEvents {
  payloads: EventPayload[];
  jsons: Utf8Json[];
}

/** `body` is the parsed JSON object, or the JSON Lines text. */
export function parseReplay(body: unknown, opts: ReplayOptions): EventPayload[] {
  return collect(body, opts, false).payloads;
}

/**
 * As `parseReplay`, with each event's JSON. `body` may also be the JSON Lines as UTF-8 bytes: a
 * line already in the emulator's own form is then taken by `canonicalLine`, without a JSON parse.
 */
export function replayEvents(body: unknown, opts: ReplayOptions): ReplayEvents {
  return collect(body, opts, true);
}

function collect(body: unknown, opts: ReplayOptions, withJson: boolean): ReplayEvents {
  const errors: string[] = [];
  let out: EventPayload[] = [];
  let jsons: Utf8Json[] = [];
  let count = 0;
  const { part } = opts;
  /** A full part is handed on (only while no line was refused: after one, none is kept). */
  const handOn = () => {
    if (part === undefined || out.length < REPLAY_PART) return;
    part(out, jsons);
    out = [];
    jsons = [];
  };
  const lines = typeof body === 'string' || body instanceof Uint8Array;
  /** Checks an event (`at`: its line, or its index in `events`) and makes its payload. */
  const take = (e: unknown, at: number) => {
    if (++count > MAX_REPLAY_EVENTS) return;
    const found = problems(e, opts.keepIds);
    if (found.length) {
      if (errors.length < 20) for (const p of found) errors.push(`${lines ? `line ${at}` : `events[${at}]`}: ${p}`);
    } else if (!errors.length) {
      const p = toPayload(e as Record<string, unknown>, opts);
      out.push(p);
      if (withJson) jsons.push(payloadUtf8(p));
      handOn();
    }
  };
  /** A JSON Lines line as text: skipped when blank, else parsed (any invalid JSON is the answer) and taken. */
  const takeLine = (line: string, lineNo: number) => {
    // A line that starts with `{` is not trimmed first (JSON.parse allows the whitespace around it).
    if (line.charCodeAt(0) !== 0x7b && line.trim() === '') return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new BadRequestError([`line ${lineNo}: not valid JSON`]);
    }
    take(e, lineNo);
  };
  if (body instanceof Uint8Array) {
    // The same lines, read off the bytes. A line in the emulator's own form (`canonicalLine`) is
    // checked by one regular expression and made into its payload and JSON from its bytes, without
    // a parse (issue 13); any other line is decoded and goes the way a text's line does. A line
    // break is one byte that no UTF-8 sequence holds, so the lines decode as the whole text does;
    // a leading byte order mark is dropped, as the text's decoder drops it.
    const b = body as Slab;
    const stamp = Math.floor(opts.now / 1000);
    const stampText = `${stamp}`;
    let lineNo = 0;
    for (let from = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; from <= b.length; ) {
      let to = b.indexOf(0x0a, from);
      if (to < 0) to = b.length;
      lineNo++;
      if (!opts.keepIds && b[from] === 0x7b && count < MAX_REPLAY_EVENTS) {
        const p = canonicalLine(b, from, to, stamp, stampText, opts.uuid, withJson ? jsons : undefined, errors.length === 0);
        if (p !== undefined) {
          count++;
          if (p !== null) {
            out.push(p);
            handOn();
          }
          from = to + 1;
          continue;
        }
      }
      takeLine(b.toString('utf8', from, to), lineNo);
      from = to + 1;
    }
  } else if (typeof body === 'string') {
    // Line by line, each parsed, checked and made into its payload before the next: a request
    // holds up to 50,000 lines (issue 13), and neither the lines nor their parsed objects are kept
    // (kept for the whole request, each young-generation collection meanwhile copied them all).
    let lineNo = 0;
    for (let from = 0; from <= body.length; ) {
      let to = body.indexOf('\n', from);
      if (to < 0) to = body.length;
      takeLine(body.slice(from, to), ++lineNo);
      from = to + 1;
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
  if (part !== undefined) {
    if (out.length) part(out, jsons);
    return { payloads: [], jsons: [] };
  }
  return { payloads: out, jsons };
}

/**
 * A JSON Lines line in the form the emulator writes an event (`payloadUtf8`'s): its fields in that
 * order, no space, every string printable ASCII without an escape, every number an integer of at
 * most 15 digits (not `-0`), custom variables flat with keys that do not start with a digit (an
 * object's integer keys come first in `JSON.stringify`). Such a line is valid JSON whose payload
 * `toPayload` makes with every check passed, and whose JSON is the line itself with the new
 * `event_id` and `timestamp` in place of its own. One regular expression checks the form, the
 * fields are found by their quotes and the bytes copied: on the bench's lines ~4 µs a line against
 * ~6–7 for the parse, the checks and the JSON (an `exec` with a capture a field cost ~10 % more).
 * Anything else, e.g. another field order, an escape, a field `toPayload` drops, the other spelling
 * of an event, does not match and goes the way of every other line.
 */
const PLAIN = '[ !#-\\[\\]-~]';
const TEXT = `"${PLAIN}*"`;
const INTEGER = '(?:0|-?[1-9][0-9]{0,14})';
const VARIABLE = `"[ !#-/:-\\[\\]-~]${PLAIN}*":(?:${TEXT}|true|false|null|${INTEGER})`;
const CANONICAL = new RegExp(
  '^\\{"event":"(?:delivery|open|click|unsubscribe|spam|soft bounce|bounce|suspension|reject)"' +
    `,"message_id":${TEXT},"event_id":${TEXT},"timestamp":-?(?:0|[1-9][0-9]{0,14})` +
    `,"email":${TEXT},"sending_stream":"(?:transactional|bulk)","sending_domain_name":${TEXT}` +
    `(?:,"category":${TEXT})?(?:,"custom_variables":\\{(?:${VARIABLE}(?:,${VARIABLE})*)?\\})?` +
    `(?:,"response":${TEXT})?(?:,"response_code":${INTEGER})?(?:,"bounce_category":${TEXT})?` +
    `(?:,"reason":${TEXT})?(?:,"ip":${TEXT})?(?:,"user_agent":${TEXT})?(?:,"url":${TEXT})?\\}\\r?$`,
);

/** The text before each field's value in the emulator's form, as CANONICAL has it (the walk's offsets). */
const EVENT = '{"event":"';
const MESSAGE_ID = '","message_id":"';
const EVENT_ID_KEY = '","event_id":';
const EVENT_ID = `${EVENT_ID_KEY}"`;
const TIMESTAMP_KEY = ',"timestamp":';
const TIMESTAMP = `"${TIMESTAMP_KEY}`;
const EMAIL = ',"email":"';
const STREAM = '","sending_stream":"';
const DOMAIN = '","sending_domain_name":"';
const CATEGORY = ',"category":"';
const VARIABLES = ',"custom_variables":{';
const RESPONSE = ',"response":"';
const RESPONSE_CODE = ',"response_code":';
const BOUNCE_CATEGORY = ',"bounce_category":"';
const REASON = ',"reason":"';
const IP = ',"ip":"';
const USER_AGENT = ',"user_agent":"';
const URL_ = ',"url":"';

/** Whether characters `from` … `to` of `s` (printable ASCII) are more than spaces. */
function hasText(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) !== 0x20) return true;
  return false;
}

/** Where the bare value (a number, `true`, `false`, `null`) starting at `at` ends: the next `,` or `}`. */
function bareEnd(s: string, at: number): number {
  let q = at;
  for (let c = s.charCodeAt(q); c !== 0x2c && c !== 0x7d; c = s.charCodeAt(++q));
  return q;
}

/** The text of a string value whose opening quote is before `at`; `end` gets its closing quote. */
let end = 0;
function textAt(s: string, at: number): string {
  end = s.indexOf('"', at);
  return s.slice(at, end);
}

/**
 * A replayed line's payload whose type suppresses nothing (a delivery, an open, …): recording it
 * reads its type, stream and domain (which webhooks get it) and its event id (the answer), so
 * those are its own; the rest (message id, address, category, custom variables, …) is read off
 * its JSON, the line itself with its new id and time, when first asked for. Making them for every
 * line cost ~10 % of the delivery engine's round (issue 13). Its JSON form (`toJSON`) is the
 * whole event; a spread of it would not be (none is made of a recorded event's payload).
 */
class LinePayload implements EventPayload {
  #json: Utf8Json;
  #all: EventPayload | undefined;

  constructor(
    readonly event: PayloadEventName,
    readonly event_id: string,
    readonly timestamp: number,
    readonly sending_stream: SendingStream,
    readonly sending_domain_name: string,
    json: Utf8Json,
  ) {
    this.#json = json;
  }

  /** Every field, parsed once from the JSON. */
  #whole(): EventPayload {
    return (this.#all ??= JSON.parse(this.#json.text()) as EventPayload);
  }

  get message_id(): string {
    return this.#whole().message_id;
  }
  get email(): string {
    return this.#whole().email;
  }
  get category(): string | undefined {
    return this.#whole().category;
  }
  get custom_variables(): Record<string, unknown> | undefined {
    return this.#whole().custom_variables;
  }
  get response(): string | undefined {
    return this.#whole().response;
  }
  get response_code(): number | undefined {
    return this.#whole().response_code;
  }
  get bounce_category(): string | undefined {
    return this.#whole().bounce_category;
  }
  get reason(): string | undefined {
    return this.#whole().reason;
  }
  get ip(): string | undefined {
    return this.#whole().ip;
  }
  get user_agent(): string | undefined {
    return this.#whole().user_agent;
  }
  get url(): string | undefined {
    return this.#whole().url;
  }

  toJSON(): EventPayload {
    return this.#whole();
  }
}

/** The custom variables' keys a line's walk has seen, as [start, end) pairs of the line (a thin payload's check for a repeated key). */
const keySeen: number[] = [];
/** More keys than this in one line: it goes the way of other lines (the check compares each pair). */
const MAX_KEYS_WALKED = 16;

/** Whether characters `a` … `aEnd` and `b` … `bEnd` of `s` are the same text. */
function sameText(s: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (s.charCodeAt(a + i) !== s.charCodeAt(b + i)) return false;
  return true;
}

/**
 * Where a line's custom variables end (after their `}`; `p`: after their `{`), each value put in
 * `into` when given; -1 when the line goes the way of other lines: a repeated key (JSON.parse keeps
 * the last value at the first place) or `__proto__` (an own property of a parsed object, not of
 * one built here). Without `into` (a thin payload) the keys are compared in place, at most
 * `MAX_KEYS_WALKED` of them.
 */
function variablesEnd(line: string, p: number, into: Record<string, unknown> | undefined): number {
  let n = 0;
  while (line.charCodeAt(p) === 0x22) {
    const k = p + 1;
    const kEnd = line.indexOf('"', k);
    if (kEnd - k === 9 && line.startsWith('__proto__', k)) return -1;
    let key = '';
    if (into) {
      key = line.slice(k, kEnd);
      if (Object.prototype.hasOwnProperty.call(into, key)) return -1;
    } else {
      if (n === MAX_KEYS_WALKED) return -1;
      for (let j = 0; j < n; j++) if (sameText(line, keySeen[2 * j], keySeen[2 * j + 1], k, kEnd)) return -1;
      keySeen[2 * n] = k;
      keySeen[2 * n + 1] = kEnd;
      n++;
    }
    let q = kEnd + 2;
    if (line.charCodeAt(q) === 0x22) {
      const vEnd = line.indexOf('"', q + 1);
      if (into) into[key] = line.slice(q + 1, vEnd);
      q = vEnd + 1;
    } else {
      const z = q;
      q = bareEnd(line, q);
      if (into) {
        const t = line.slice(z, q);
        into[key] = t === 'true' ? true : t === 'false' ? false : t === 'null' ? null : Number(t);
      }
    }
    p = line.charCodeAt(q) === 0x2c ? q + 1 : q;
  }
  return p + 1;
}

/**
 * The payload of line `from` … `to` of `b` when it is in the emulator's form (its JSON appended to
 * `jsons` when given and `keep`), `null` when it is but `keep` is false (an earlier line was
 * refused: only its count matters), `undefined` when it is not.
 */
function canonicalLine(
  b: Slab,
  from: number,
  to: number,
  stamp: number,
  stampText: string,
  uuid: () => string,
  jsons: Utf8Json[] | undefined,
  keep: boolean,
): EventPayload | null | undefined {
  const line = latin1(b, from, to);
  if (!CANONICAL.test(line)) return undefined;
  // CANONICAL has checked the form: each field is found by the quote or comma that ends the one
  // before it (no string in the line holds a quote), which costs less than its captures. Read
  // inline, field by field: a walk with a helper call a field cost ~10 % more a line (V8 did not
  // inline them all into a function this long; measured in an interleaved loop).
  const eventEnd = line.indexOf('"', EVENT.length);
  const idAt = eventEnd + MESSAGE_ID.length;
  const idEnd = line.indexOf('"', idAt);
  const emailKey = line.indexOf(',', line.indexOf('"', idEnd + EVENT_ID.length) + TIMESTAMP.length);
  const emailAt = emailKey + EMAIL.length;
  const emailEnd = line.indexOf('"', emailAt);
  const streamAt = emailEnd + STREAM.length;
  const bulk = line.charCodeAt(streamAt) === 0x62; // `bulk`, else `transactional`
  const domainAt = streamAt + (bulk ? 'bulk' : 'transactional').length + DOMAIN.length;
  const domainEnd = line.indexOf('"', domainAt);
  // What problems() asks beyond the form: text in the three required strings.
  if (!hasText(line, idAt, idEnd) || !hasText(line, emailAt, emailEnd) || !hasText(line, domainAt, domainEnd)) return undefined;
  const event = line.slice(EVENT.length, eventEnd) as PayloadEventName;
  // A type that suppresses nothing, with its JSON kept: a thin payload (LinePayload).
  const thin = jsons !== undefined && SUPPRESSING_EVENTS[event] === undefined;
  let p = domainEnd + 1;
  let category: string | undefined;
  let variables: Record<string, unknown> | undefined;
  if (line.startsWith(CATEGORY, p)) {
    if (thin) p = line.indexOf('"', p + CATEGORY.length) + 1;
    else {
      category = textAt(line, p + CATEGORY.length);
      p = end + 1;
    }
  }
  if (line.startsWith(VARIABLES, p)) {
    // A thin payload makes no object: its keys are compared in place.
    if (!thin) variables = {};
    p = variablesEnd(line, p + VARIABLES.length, variables);
    if (p < 0) return undefined;
  }
  if (!keep) return null;
  if (thin) {
    const id = uuid();
    const json = lineJson(b, from, to, idEnd, emailKey, id, stampText, line);
    jsons.push(json);
    return new LinePayload(event, id, stamp, bulk ? 'bulk' : 'transactional', line.slice(domainAt, domainEnd), json);
  }
  const e: EventPayload = {
    event,
    // Kept with the queued event until its batch: strings of their own, where a slice of the line
    // would hold all of it.
    message_id: latin1(b, from + idAt, from + idEnd),
    event_id: uuid(),
    timestamp: stamp,
    email: latin1(b, from + emailAt, from + emailEnd),
    sending_stream: bulk ? 'bulk' : 'transactional',
    sending_domain_name: line.slice(domainAt, domainEnd),
  };
  // In toPayload's order, each read where the one before it ended.
  if (category !== undefined) e.category = category;
  if (variables !== undefined) e.custom_variables = variables;
  if (line.startsWith(RESPONSE, p)) {
    e.response = textAt(line, p + RESPONSE.length);
    p = end + 1;
  }
  if (line.startsWith(RESPONSE_CODE, p)) {
    const codeAt = p + RESPONSE_CODE.length;
    const q = bareEnd(line, codeAt);
    e.response_code = Number(line.slice(codeAt, q));
    p = q;
  }
  if (line.startsWith(BOUNCE_CATEGORY, p)) {
    e.bounce_category = textAt(line, p + BOUNCE_CATEGORY.length);
    p = end + 1;
  }
  if (line.startsWith(REASON, p)) {
    e.reason = textAt(line, p + REASON.length);
    p = end + 1;
  }
  if (line.startsWith(IP, p)) {
    e.ip = textAt(line, p + IP.length);
    p = end + 1;
  }
  if (line.startsWith(USER_AGENT, p)) {
    e.user_agent = textAt(line, p + USER_AGENT.length);
    p = end + 1;
  }
  if (line.startsWith(URL_, p)) e.url = textAt(line, p + URL_.length);
  if (jsons !== undefined) jsons.push(lineJson(b, from, to, idEnd, emailKey, e.event_id, stampText, line));
  return e;
}

/**
 * A canonical line's JSON: the line up to its event id's value, the new id and time, then the line
 * from its email on. When the new id and time are as long as the old ones (a UUID for a UUID, a
 * time of as many digits, as in a sample or another emulator's events), the line is copied whole
 * and the two values written over their old ones: one copy of the line, not two.
 */
function lineJson(b: Slab, from: number, to: number, idEnd: number, emailKey: number, eventId: string, stampText: string, line: string): Utf8Json {
  const idAt = idEnd + EVENT_ID.length;
  const oldIdEnd = line.indexOf('"', idAt);
  const stampAt = oldIdEnd + TIMESTAMP.length;
  if (oldIdEnd - idAt === eventId.length && emailKey - stampAt === stampText.length) {
    writeBegin(to - from);
    writeBytes(b, from, line.charCodeAt(line.length - 1) === 0x0d ? to - 1 : to);
    // An id whose JSON needs an escape is longer than itself: the copy is left, and made again below.
    if (writeOverQuoted(idAt - 1, eventId)) {
      writeOver(stampAt, stampText);
      return writeEnd();
    }
  }
  writeBegin(to - from + 6 * eventId.length + 40);
  writeBytes(b, from, from + idEnd + EVENT_ID_KEY.length);
  writeQuoted(eventId);
  writeAscii(TIMESTAMP_KEY);
  writeAscii(stampText);
  writeBytes(b, from + emailKey, line.charCodeAt(line.length - 1) === 0x0d ? to - 1 : to);
  return writeEnd();
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

/**
 * A replay's events as `replayEvents` made them, packed to cross from a worker thread to the main
 * one (issue 13: the lines of a large replay are checked and made into their JSON on both cores).
 * Its buffers are transferred, not copied; `unpackReplay` makes the same events of them.
 */
export interface PackedReplay {
  /** Each event's JSON, one after another, a comma after each (as a slab lays them out: jsonText.ts). */
  json: ArrayBuffer;
  /** Per event: where its JSON starts, where it ends, where its event id starts (in `json`). */
  at: ArrayBuffer;
  /** Per event: its type's index in `PAYLOAD_EVENT_NAMES`, and 128 when its stream is bulk. */
  kinds: ArrayBuffer;
  /** Per event: its sending domain's index in `domains`. */
  domainIndex: ArrayBuffer;
  domains: string[];
  timestamp: number;
}

const EVENT_ID_MARK = Buffer.from('"event_id":"', 'latin1');

/**
 * `events`, packed. Every event id is a fresh UUID (36 characters of ASCII), as a replay without
 * `keep_ids` makes: a replay that keeps its ids is not packed.
 */
export function packReplay(events: ReplayEvents, timestamp: number, written?: ArrayBuffer): PackedReplay {
  const { payloads, jsons } = events;
  const n = payloads.length;
  // Made into `written` (jsonText.ts, `writeInto`) and all there, side by side: handed on as it is.
  const inPlace = written !== undefined && n > 0 && writtenSideBySide(jsons, written);
  let size = 0;
  if (!inPlace) for (let i = 0; i < n; i++) size += jsons[i].end - jsons[i].start + 1;
  const json = inPlace ? written : new ArrayBuffer(size);
  const out = Buffer.from(json);
  const at = new Int32Array(3 * n);
  const kinds = new Uint8Array(n);
  const domainIndex = new Int32Array(n);
  const domains: string[] = [];
  const known = new Map<string, number>();
  let o = 0;
  for (let i = 0; i < n; i++) {
    const p = payloads[i];
    const j = jsons[i];
    const start = inPlace ? j.start : o;
    if (inPlace) o = j.end + 1;
    else {
      o += j.copyTo(out, o);
      out[o++] = 0x2c;
    }
    const idAt = out.indexOf(EVENT_ID_MARK, start) + EVENT_ID_MARK.length;
    at[3 * i] = start;
    at[3 * i + 1] = o - 1;
    at[3 * i + 2] = idAt;
    kinds[i] = PAYLOAD_EVENT_NAMES.indexOf(p.event) | (p.sending_stream === 'bulk' ? 128 : 0);
    let d = known.get(p.sending_domain_name);
    if (d === undefined) {
      d = domains.push(p.sending_domain_name) - 1;
      known.set(p.sending_domain_name, d);
    }
    domainIndex[i] = d;
  }
  return { json, at: at.buffer, kinds: kinds.buffer, domainIndex: domainIndex.buffer, domains, timestamp };
}

/** Whether every text of `jsons` lies in `buf`, each right after the one before it and its comma, the first at its start. */
function writtenSideBySide(jsons: Utf8Json[], buf: ArrayBuffer): boolean {
  let next = 0;
  for (let i = 0; i < jsons.length; i++) {
    const j = jsons[i];
    if (j.slab.buffer !== buf || j.slab.byteOffset !== 0 || j.start !== next) return false;
    next = j.end + 1;
  }
  return true;
}

/**
 * The events of a packed replay: those whose type suppresses nothing as thin payloads over their
 * JSON (`LinePayload`, as `canonicalLine` makes them), the others parsed from it whole (their
 * suppression reads every field).
 */
export function unpackReplay(packed: PackedReplay): ReplayEvents {
  const slab = Buffer.from(packed.json) as unknown as Slab;
  const at = new Int32Array(packed.at);
  const kinds = new Uint8Array(packed.kinds);
  const domainIndex = new Int32Array(packed.domainIndex);
  const n = kinds.length;
  const payloads: EventPayload[] = new Array(n);
  const jsons: Utf8Json[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const json = new Utf8Json(slab, at[3 * i], at[3 * i + 1]);
    jsons[i] = json;
    const event = PAYLOAD_EVENT_NAMES[kinds[i] & 127];
    if (SUPPRESSING_EVENTS[event] === undefined) {
      const idAt = at[3 * i + 2];
      payloads[i] = new LinePayload(event, latin1(slab, idAt, idAt + 36), packed.timestamp, kinds[i] & 128 ? 'bulk' : 'transactional', packed.domains[domainIndex[i]], json);
    } else payloads[i] = JSON.parse(json.text()) as EventPayload;
  }
  return { payloads, jsons };
}
