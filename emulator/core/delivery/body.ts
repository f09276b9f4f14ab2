/**
 * Batch bodies (SPEC §5): `{"events":[…]}` as application/json, or one event a line as
 * application/jsonl. Built once per batch; every attempt sends these same bytes.
 */
import type { EventPayload } from '../events';
import type { PayloadFormat } from '../types';
import { jsonByteLength, type JsonText } from '../jsonText';

export function contentType(format: PayloadFormat): string {
  return format === 'jsonlines' ? 'application/jsonl' : 'application/json';
}

/** A delivery's body as the UTF-8 bytes an attempt signs and sends (its own bytes, not a copy, when it holds bytes). */
export function bodyBytes(body: string | Uint8Array): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** A delivery's body (`Delivery.body`) as text. */
export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : bodyBytes(body).toString('utf8');
}

export function buildBody(events: EventPayload[], format: PayloadFormat): string {
  if (format === 'jsonlines') return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return JSON.stringify({ events });
}

/** What a body has around its events' JSON texts, and between two of them. */
export function bodyFrame(format: PayloadFormat): { open: string; sep: string; close: string } {
  return format === 'jsonlines' ? { open: '', sep: '\n', close: '\n' } : { open: '{"events":[', sep: ',', close: ']}' };
}

/**
 * The same text as `buildBody`, from each event's JSON text (`JSON.stringify(event)`, as the
 * store keeps it): the events are not parsed and stringified again.
 */
export function bodyFromJson(jsons: readonly JsonText[], format: PayloadFormat): string {
  return bodyBytesFromJson(jsons, format).toString('utf8');
}

/**
 * `bodyFromJson`'s text as UTF-8 bytes, made as bytes: texts kept as bytes (jsonText.ts) are
 * copied, not decoded and encoded again. What a batch's first attempt signs and sends.
 */
export function bodyBytesFromJson(jsons: readonly JsonText[], format: PayloadFormat): Buffer {
  const { open, sep, close } = bodyFrame(format);
  let bytes = open.length + close.length + Math.max(0, jsons.length - 1) * sep.length;
  for (let i = 0; i < jsons.length; i++) bytes += jsonByteLength(jsons[i]);
  const buf = Buffer.allocUnsafe(bytes);
  let p = buf.write(open, 0, 'latin1');
  for (let i = 0; i < jsons.length; i++) {
    if (i) buf[p++] = sep.charCodeAt(0);
    const j = jsons[i];
    p += typeof j === 'string' ? buf.write(j, p) : j.copyTo(buf, p);
  }
  p += buf.write(close, p, 'latin1');
  return buf.subarray(0, p);
}

/** The events of a body this module built. */
export function parseBody(body: string, format: PayloadFormat): EventPayload[] {
  if (format === 'jsonlines') {
    return body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as EventPayload);
  }
  return (JSON.parse(body) as { events: EventPayload[] }).events;
}
