/**
 * Batch bodies (SPEC §5): `{"events":[…]}` as application/json, or one event a line as
 * application/jsonl. Built once per batch; every attempt sends these same bytes.
 */
import type { EventPayload } from '../events';
import type { PayloadFormat } from '../types';

export function contentType(format: PayloadFormat): string {
  return format === 'jsonlines' ? 'application/jsonl' : 'application/json';
}

export function buildBody(events: EventPayload[], format: PayloadFormat): string {
  if (format === 'jsonlines') return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return JSON.stringify({ events });
}

/**
 * The same bytes as `buildBody`, from each event's JSON text (`JSON.stringify(event)`, as the
 * store keeps it): the events are not parsed and stringified again.
 */
export function bodyFromJson(jsons: string[], format: PayloadFormat): string {
  if (format === 'jsonlines') return jsons.join('\n') + '\n';
  return `{"events":[${jsons.join(',')}]}`;
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
