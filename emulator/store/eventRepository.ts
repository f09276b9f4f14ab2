/** sql.js implementation of the core's event repository. */
import type { EventFilter, EventPayload, EventRepository, StoredEvent } from '../core/events';
import type { SqlValue } from 'sql.js';
import type { Row, Store } from './database';

const toEvent = (r: Row): StoredEvent => ({
  id: Number(r.id),
  payload: JSON.parse(String(r.payload)) as EventPayload,
  recordedAt: Number(r.recorded_at),
  json: String(r.payload),
});

function where(f: EventFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (f.type) parts.push('type = ?'), params.push(f.type);
  if (f.messageId) parts.push('message_id = ?'), params.push(f.messageId);
  if (f.email) parts.push('email = ?'), params.push(f.email.toLowerCase());
  if (f.beforeId) parts.push('id < ?'), params.push(f.beforeId);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export class SqlEventRepository implements EventRepository {
  constructor(private readonly store: Store) {}

  insert(payload: EventPayload, recordedAt: number): StoredEvent {
    return this.insertMany([payload], recordedAt)[0];
  }

  /**
   * The rows wait in memory until something reads `events` (see deferredRows.ts); the journal
   * has them at once. Each event's JSON is built here once and handed on (batch bodies reuse it).
   */
  insertMany(payloads: EventPayload[], recordedAt: number): StoredEvent[] {
    return this.store.transaction(() => {
      const first = this.store.reserveIds('events', payloads.length);
      const out: StoredEvent[] = new Array(payloads.length);
      const rows: SqlValue[][] = new Array(payloads.length);
      for (let i = 0; i < payloads.length; i++) {
        const p = payloads[i];
        const json = JSON.stringify(p);
        rows[i] = [first + i, p.event_id, p.message_id, p.event, p.email.toLowerCase(), recordedAt, json];
        out[i] = { id: first + i, payload: p, recordedAt, json };
      }
      this.store.deferInsert('events', rows);
      return out;
    });
  }

  get(id: number): StoredEvent | undefined {
    const r = this.store.get('SELECT * FROM events WHERE id = ?', [id]);
    return r && toEvent(r);
  }

  findByEventId(eventId: string): StoredEvent | undefined {
    const r = this.store.get('SELECT * FROM events WHERE event_id = ? ORDER BY id DESC LIMIT 1', [eventId]);
    return r && toEvent(r);
  }

  list(f: EventFilter): StoredEvent[] {
    const w = where(f);
    return this.store.all(`SELECT * FROM events ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, f.limit ?? 50]).map(toEvent);
  }

  count(f: EventFilter): number {
    const w = where({ ...f, beforeId: undefined });
    return Number(this.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM events ${w.sql}`, w.params)?.n ?? 0);
  }
}
