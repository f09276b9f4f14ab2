/**
 * An event's keys (its event id, message id, type and lower-cased address), read off its JSON:
 * where our writers put them (eventBuilder.ts, `payloadUtf8`: the first fields, in this order),
 * from the bytes without a parse; any other shape, by a parse. The events' log (store/eventLog.ts)
 * keeps no keys of its own, nor does a queued event (core/delivery): both read them here when asked.
 */
import type { JsonText, Slab } from './jsonText';

export interface EventKeys {
  eventId: string;
  messageId: string;
  /** The payload's `event`. */
  type: string;
  /** The payload's `email`, lower-cased. */
  email: string;
}

/** The keys of an event as the store keeps them, from its recorded JSON: the payload's ids and `event`, its address lower-cased. */
export function keysOf(json: string): EventKeys {
  const p = JSON.parse(json) as { event_id: string; message_id: string; event: string; email: string };
  return { eventId: String(p.event_id), messageId: String(p.message_id), type: String(p.event), email: String(p.email).toLowerCase() };
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
/** The keys' places in the JSON our writers make (eventBuilder.ts, `payloadUtf8`): the event's first fields, in this order. */
const KEY_MARKS = ['{"event":"', '","message_id":"', '","event_id":"', '","timestamp":'].map(ascii);
const EMAIL_MARK = ascii(',"email":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `mark` is at `at` in `b`. */
function markAt(b: Slab, at: number, mark: readonly number[]): boolean {
  if (at + mark.length > b.length) return false;
  for (let i = 0; i < mark.length; i++) if (b[at + i] !== mark[i]) return false;
  return true;
}

/** Where the JSON string value starting at `at` ends (its closing quote), or -1 if it holds an escape or a byte outside ASCII. */
function plainEnd(b: Slab, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c > 0x7e || c < 0x20) return -1;
  }
  return -1;
}

/**
 * Where our writers put an event's keys in its JSON: the values of `event`, `message_id`,
 * `event_id` and (unless `toEventId`) `email`, as from/to pairs in `KEY_RANGES`; false for any
 * other shape, or an escape or a byte outside printable ASCII in a key (then only `keysOf` can say).
 */
const KEY_RANGES = new Int32Array(8);
function keyRanges(b: Slab, start: number, end: number, toEventId = false): boolean {
  let at = start;
  for (let k = 0; k < 3; k++) {
    if (!markAt(b, at, KEY_MARKS[k])) return false;
    at += KEY_MARKS[k].length;
    const close = plainEnd(b, at, end);
    if (close < 0) return false;
    KEY_RANGES[2 * k] = at;
    KEY_RANGES[2 * k + 1] = close;
    at = close;
  }
  if (toEventId) return true;
  if (!markAt(b, at, KEY_MARKS[3])) return false;
  at += KEY_MARKS[3].length;
  // A number (our writers write one): digits, sign, point, exponent.
  while (at < end && ((b[at] >= 0x30 && b[at] <= 0x39) || b[at] === 0x2d || b[at] === 0x2b || b[at] === 0x2e || b[at] === 0x65 || b[at] === 0x45)) at++;
  if (!markAt(b, at, EMAIL_MARK)) return false;
  at += EMAIL_MARK.length;
  const close = plainEnd(b, at, end);
  if (close < 0) return false;
  KEY_RANGES[6] = at;
  KEY_RANGES[7] = close;
  return true;
}

/** Key `k` of `keyRanges`' last answer, as a string of its own. */
const keyAt = (b: Slab, k: number): string => b.toString('utf8', KEY_RANGES[2 * k], KEY_RANGES[2 * k + 1]);

/**
 * `keysOf` of an event in memory, read off its bytes where our writers put the keys (the filtered
 * reads' maps index every event: parsing its whole JSON was ~3 µs of the ~6 an event cost, the
 * first read after a burst paying it for the whole burst). Each key is a string of its own, made
 * from its bytes (not a slice of the event's text, which V8 would keep alive behind it). Any other
 * shape: `keysOf`, as before.
 */
export function keysOfBytes(b: Slab, start: number, end: number): EventKeys {
  if (!keyRanges(b, start, end)) return keysOf(b.toString('utf8', start, end));
  return { type: keyAt(b, 0), messageId: keyAt(b, 1), eventId: keyAt(b, 2), email: keyAt(b, 3).toLowerCase() };
}

/** The event id of `keysOfBytes`, the one string made (retention's walk past events held by batches still retrying). */
export function eventIdOfBytes(b: Slab, start: number, end: number): string {
  return keyRanges(b, start, end, true) ? keyAt(b, 2) : keysOf(b.toString('utf8', start, end)).eventId;
}

/** `keysOf` of an event's JSON, off its bytes when it is bytes. */
export function keysOfJson(json: JsonText): EventKeys {
  return typeof json === 'string' ? keysOf(json) : keysOfBytes(json.slab, json.start, json.end);
}

/** The message id of `keysOfJson`, the one string made (a batch lists its first 50 distinct). */
export function messageIdOfJson(json: JsonText): string {
  if (typeof json !== 'string' && keyRanges(json.slab, json.start, json.end, true)) return keyAt(json.slab, 1);
  return keysOf(typeof json === 'string' ? json : json.text()).messageId;
}
