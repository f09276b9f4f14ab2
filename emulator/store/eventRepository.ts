/** sql.js implementation of the core's event repository. */
import type { EventFilter, EventPayload, EventRepository, StoredEvent } from '../core/events';
import type { Row, Store } from './database';

const toEvent = (r: Row): StoredEvent => ({
  id: Number(r.id),
  payload: JSON.parse(String(r.payload)) as EventPayload,
  recordedAt: Number(r.recorded_at),
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
    const json = JSON.stringify(payload);
    const id = this.store.insert(
      'INSERT INTO events (event_id, message_id, type, email, recorded_at, payload) VALUES (?, ?, ?, ?, ?, ?)',
      [payload.event_id, payload.message_id, payload.event, payload.email.toLowerCase(), recordedAt, json],
    );
    return { id, payload, recordedAt };
  }

  insertMany(payloads: EventPayload[], recordedAt: number): StoredEvent[] {
    if (payloads.length === 1) return [this.insert(payloads[0], recordedAt)];
    const rows = payloads.map((p) => [p.event_id, p.message_id, p.event, p.email.toLowerCase(), recordedAt, JSON.stringify(p)]);
    const last = this.store.insertMany('INSERT INTO events (event_id, message_id, type, email, recorded_at, payload)', 6, rows);
    const first = last - payloads.length + 1;
    return payloads.map((payload, i) => ({ id: first + i, payload, recordedAt }));
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
