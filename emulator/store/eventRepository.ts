/** The core's event repository over the store's in-memory events (eventLog.ts). */
import type { EventFilter, EventPayload, EventRepository, EventSources, StoredEvent } from '../core/events';
import type { JsonText } from '../core/jsonText';
import type { Store } from './database';
import type { EventQuery, EventRow, NewEventRow } from './eventLog';

const toEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  payload: JSON.parse(r.json) as EventPayload,
  recordedAt: r.recordedAt,
  json: r.json,
});

/** events.type is the payload's `event`; addresses are kept lower-cased. */
const query = (f: EventFilter): EventQuery => ({ type: f.type, messageId: f.messageId, email: f.email?.toLowerCase(), beforeId: f.beforeId });

export class SqlEventRepository implements EventRepository {
  constructor(private readonly store: Store) {}

  insert(payload: EventPayload, recordedAt: number): StoredEvent {
    return this.insertMany([payload], recordedAt)[0];
  }

  /**
   * Each event's JSON is built here once and handed on (batch bodies reuse it); an event from a
   * scheduled row keeps that row's text, and is journaled as "the payload of that row".
   */
  insertMany(payloads: EventPayload[], recordedAt: number, source?: EventSources): StoredEvent[] {
    const from = source?.scheduled;
    const jsons = source?.jsons;
    return this.store.transaction(() => {
      const first = this.store.reserveEventIds(payloads.length);
      // One object an event, both the store's row and the event handed on (a round records tens
      // of thousands): the store copies what it keeps.
      const rows: (NewEventRow & StoredEvent)[] = new Array(payloads.length);
      for (let i = 0; i < payloads.length; i++) {
        const p = payloads[i];
        const json: JsonText = from ? from[i].json : jsons ? jsons[i] : JSON.stringify(p);
        rows[i] = { id: first + i, payload: p, recordedAt, json, type: p.event };
      }
      this.store.insertEvents(rows, from?.map((s) => s.id));
      return rows;
    });
  }

  get(id: number): StoredEvent | undefined {
    const r = this.store.events.get(id);
    return r && toEvent(r);
  }

  findByEventId(eventId: string): StoredEvent | undefined {
    let id: number | undefined;
    for (const e of this.store.events.ascending()) if (e.eventId === eventId) id = e.id;
    return id === undefined ? undefined : this.get(id);
  }

  list(f: EventFilter): StoredEvent[] {
    return this.store.events.list(query(f), f.limit ?? 50).map(toEvent);
  }

  count(f: EventFilter): number {
    return this.store.events.count({ ...query(f), beforeId: undefined });
  }
}
