/** sql.js implementation of the delivery repository (queue, batches, their events, attempts). */
import { bodyBytes, bodyFrame, bodyText } from '../core/delivery/body';
import type { PayloadEventName, PayloadFormat } from '../core/types';
import type {
  Attempt,
  Delivery,
  DeliveryEventKey,
  DeliveryFilter,
  DeliveryRepository,
  DeliveryUpdate,
  QueuedBatch,
} from '../core/delivery/types';
import type { SqlValue } from 'sql.js';
import type { Row, Store } from './database';
import { keysOfJson, messageIdOfJson } from '../core/eventKeys';
import { Utf8Json } from '../core/jsonText';
import { MAX_MESSAGE_IDS } from '../core/delivery/batch';
import { eventKeysText } from './eventFunctions';
import { LazyText } from './statements';
import { DeflatingText, storedText } from './deflatedText';

/**
 * Each event's JSON in a batch body made by `bodyBytesFromJson` from JSON texts of these byte
 * lengths, as a view of it, in order, until `fn` returns false.
 */
function eachJsonIn(body: Buffer, lengths: Int32Array, open: string, sep: string, fn: (json: Utf8Json) => boolean | void): void {
  const sepBytes = Buffer.byteLength(sep);
  let at = Buffer.byteLength(open);
  for (let i = 0; i < lengths.length; i++) {
    if (fn(new Utf8Json(body, at, at + lengths[i])) === false) return;
    at += lengths[i] + sepBytes;
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toDelivery(r: Row): Delivery {
  return {
    id: Number(r.id),
    kind: r.kind as Delivery['kind'],
    webhookId: Number(r.webhook_id),
    webhookUrl: String(r.webhook_url),
    status: r.status as Delivery['status'],
    payloadFormat: r.payload_format as Delivery['payloadFormat'],
    eventCount: Number(r.event_count),
    eventTypes: JSON.parse(String(r.event_types)),
    messageIds: JSON.parse(String(r.message_ids)),
    createdAt: Number(r.created_at),
    attemptCount: Number(r.attempt_count),
    nextAttemptAt: num(r.next_attempt_at),
    lastStatus: num(r.last_status),
    lastError: r.last_error === null ? null : String(r.last_error),
    body: storedText(r.body),
    sourceId: num(r.source_id),
  };
}

function toAttempt(r: Row): Attempt {
  const status = num(r.response_status);
  return {
    id: Number(r.id),
    deliveryId: Number(r.delivery_id),
    number: Number(r.number),
    startedAt: Number(r.started_at),
    durationMs: Number(r.duration_ms),
    request: { method: 'POST', url: String(r.request_url), headers: JSON.parse(String(r.request_headers)) },
    response:
      status === null
        ? null
        : {
            status,
            headers: JSON.parse(String(r.response_headers ?? '{}')),
            body: String(r.response_body ?? ''),
            truncated: r.response_truncated === 1,
          },
    error: r.error === null ? null : String(r.error),
    ok: r.ok === 1,
  };
}

/**
 * A batch's events are the JSON array in its `delivery_keys` row (migrations 008, 011): a filter
 * on them looks through it with json_each, after a plain text search of the text that rules out
 * most batches at once (the value as it is written there; skipped for a value JSON would escape).
 * Only a filter on them joins that table (and so writes its waiting rows into SQLite first).
 */
const plain = (v: string) => /^[\x20-\x7e]*$/.test(v) && !/["\\]/.test(v);

function where(f: DeliveryFilter): { sql: string; params: (string | number)[]; join: string } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (f.webhookId !== undefined) parts.push('d.webhook_id = ?'), params.push(f.webhookId);
  if (f.status) parts.push('d.status = ?'), params.push(f.status);
  const ev: string[] = [];
  const evParams: string[] = [];
  if (f.event) ev.push('k.value ->> 1 = ?'), evParams.push(f.event);
  if (f.messageId) {
    ev.push('k.value ->> 2 = ?'), evParams.push(f.messageId);
    if (plain(f.messageId)) parts.push('instr(dk.event_keys, ?) > 0'), params.push(f.messageId);
  }
  if (f.email) {
    const email = f.email.toLowerCase();
    ev.push('k.value ->> 3 = ?'), evParams.push(email);
    if (plain(email)) parts.push('instr(dk.event_keys, ?) > 0'), params.push(email);
  }
  // A batch's event types are on its own row: no need to look through its events for them alone.
  if (ev.length === 1 && f.event) parts.push('EXISTS (SELECT 1 FROM json_each(d.event_types) t WHERE t.value = ?)'), params.push(f.event);
  else if (ev.length) parts.push(`EXISTS (SELECT 1 FROM json_each(dk.event_keys) k WHERE ${ev.join(' AND ')})`), params.push(...evParams);
  if (f.search) {
    // Part of an address or its domain, the start of a message id, or a batch id: what people paste.
    const like = f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    const alt = ["k.value ->> 3 LIKE ? ESCAPE '\\'", "k.value ->> 2 LIKE ? ESCAPE '\\'"];
    const inKeys = `EXISTS (SELECT 1 FROM json_each(dk.event_keys) k WHERE ${alt.join(' OR ')})`;
    const pre = plain(f.search) ? `dk.event_keys LIKE ? ESCAPE '\\' AND ` : '';
    const id = /^#?(\d{1,15})$/.exec(f.search.trim());
    parts.push(`((${pre}${inKeys})${id ? ' OR d.id = ?' : ''})`);
    if (pre) params.push(`%${like}%`);
    params.push(`%${like}%`, `${like}%`);
    if (id) params.push(Number(id[1]));
  }
  if (f.beforeId) parts.push('d.id < ?'), params.push(f.beforeId);
  const join = parts.some((p) => p.includes('dk.event_keys')) ? ' LEFT JOIN delivery_keys dk ON dk.delivery_id = d.id' : '';
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params, join };
}

/** A delivery row up to its body's placeholder (the callers write that: a value, or how to make it). */
const INSERT_DELIVERY = `INSERT INTO deliveries (kind, webhook_id, webhook_url, status, payload_format, event_count, event_types, message_ids,
     created_at, attempt_count, next_attempt_at, last_status, last_error, source_id, body)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `;
/** The columns a Delivery is read from (not its event keys: filters only). */
const STATE_COLUMNS = `d.id, d.kind, d.webhook_id, d.webhook_url, d.status, d.payload_format, d.event_count, d.event_types, d.message_ids,
  d.created_at, d.attempt_count, d.next_attempt_at, d.last_status, d.last_error, d.source_id`;
/**
 * With the body: a batch's is a `delivery_bodies` row (migration 010; written into SQLite when the
 * store is quiet, and before any read that names the table), an older row's is in `deliveries`.
 */
const COLUMNS = `${STATE_COLUMNS}, COALESCE(b.body, d.body) AS body`;
const WITH_BODY = 'deliveries d LEFT JOIN delivery_bodies b ON b.delivery_id = d.id';
const INSERT_BODY = 'INSERT INTO delivery_bodies (delivery_id, body) VALUES (?, ? || mt_events_body(?, ?) || ?)';
/** A batch's event keys (migration 011), as journaled: made from its events' rows. */
const INSERT_KEYS_FROM_ROWS = 'INSERT INTO delivery_keys (delivery_id, event_keys) VALUES (?, mt_event_keys(?))';
const INSERT_KEYS = 'INSERT INTO delivery_keys (delivery_id, event_keys) VALUES (?, ?)';
/**
 * What one event's keys in a batch's `event_keys` text cost to make and write, as characters of a
 * text at hand (`LazyText`): ~120 characters, but ~6 µs to make (its event's keys read from its JSON).
 */
const KEY_TEXT_COST = 500;


export class SqlDeliveryRepository implements DeliveryRepository {
  constructor(private readonly store: Store) {}

  enqueue(entries: { webhookId: number; eventRowId: number }[], queuedAt: number): number {
    // The queue lives in the store's memory (queueLog.ts), journaled in a few numbers.
    return this.store.enqueue(entries, queuedAt);
  }

  queuedBatch(webhookId: number, max: number, format: PayloadFormat, upTo?: number): QueuedBatch | undefined {
    const { eventRowIds: rowIds, through } = this.store.queue.front(webhookId, max, upTo);
    if (!rowIds.length) return undefined;
    const { open, sep, close } = bodyFrame(format);
    const { body, ids, lengths, types } = this.store.events.batchBody(rowIds, open, sep, close);
    // The first MAX_MESSAGE_IDS distinct message ids, read off the events' JSON in the body.
    const messageIds = new Set<string>();
    eachJsonIn(body, lengths, open, sep, (json) => messageIds.add(messageIdOfJson(json)).size < MAX_MESSAGE_IDS);
    return { through, eventRowIds: ids, body, lengths, types: types as PayloadEventName[], messageIds: [...messageIds] };
  }

  queueMark(): number {
    return this.store.queue.nextId - 1;
  }

  queuedWebhooks(): { webhookId: number; oldestQueuedAt: number }[] {
    return this.store.queue.waiting();
  }

  dequeue(webhookId: number, through: number): void {
    this.store.dequeue(webhookId, through);
  }

  clearQueue(webhookId: number): number {
    return this.store.clearQueue(webhookId);
  }

  /** Every column but `body`, in the order of the INSERT here. */
  private columns(d: Omit<Delivery, 'id'>): SqlValue[] {
    return [
      d.kind,
      d.webhookId,
      d.webhookUrl,
      d.status,
      d.payloadFormat,
      d.eventCount,
      JSON.stringify(d.eventTypes),
      JSON.stringify(d.messageIds),
      d.createdAt,
      d.attemptCount,
      d.nextAttemptAt,
      d.lastStatus,
      d.lastError,
      d.sourceId,
    ];
  }

  insertBatch(d: Omit<Delivery, 'id'>, batch: Pick<QueuedBatch, 'eventRowIds' | 'lengths'>): Delivery {
    const { open, sep, close } = bodyFrame(d.payloadFormat);
    // The journal already holds every event's JSON, in id order as the queue is: it rebuilds the
    // body and the event keys from those events (eventFunctions.ts) instead of carrying ~150 KB
    // of escaped body again. The keys are the events' own (their type is the payload's `event`,
    // their address is kept lower-cased), so both ways give the same text. Both rows wait to go
    // into SQLite (migrations 010, 011); the keys' text is made only then, from the events' JSON
    // where the body holds it (the body waits too).
    const rowIds = JSON.stringify(batch.eventRowIds);
    const id = this.store.insert(`${INSERT_DELIVERY}'')`, this.columns(d));
    const body = bodyBytes(d.body);
    const { lengths } = batch;
    this.store.deferInsertAs('delivery_keys', [[id, new LazyText(() => {
      const keys: ReturnType<typeof keysOfJson>[] = [];
      eachJsonIn(body, lengths, open, sep, (json) => void keys.push(keysOfJson(json)));
      return eventKeysText(keys);
    }, lengths.length * KEY_TEXT_COST) as unknown as SqlValue]], [[INSERT_KEYS_FROM_ROWS, [id, rowIds]]]);
    this.store.deferInsertAs('delivery_bodies', [[id, new DeflatingText(typeof d.body === 'string' ? d.body : body) as unknown as SqlValue]], [[INSERT_BODY, [id, open, sep, rowIds, close]]]);
    return { ...d, id };
  }

  insert(d: Omit<Delivery, 'id'>, events: DeliveryEventKey[]): Delivery {
    return this.store.transaction(() => {
      const id = this.store.insert(`${INSERT_DELIVERY}?)`, [...this.columns(d), bodyText(d.body)]);
      const keys = eventKeysText(events);
      this.store.deferInsertAs('delivery_keys', [[id, keys]], [[INSERT_KEYS, [id, keys]]]);
      return { ...d, id };
    });
  }

  get(id: number): Delivery | undefined {
    const r = this.store.get(`SELECT ${COLUMNS} FROM ${WITH_BODY} WHERE d.id = ?`, [id]);
    return r && toDelivery(r);
  }

  refresh(held: Delivery): Delivery | undefined {
    const r = this.store.get('SELECT status, attempt_count, next_attempt_at, last_status, last_error FROM deliveries WHERE id = ?', [held.id]);
    if (!r) return undefined;
    return {
      ...held,
      status: r.status as Delivery['status'],
      attemptCount: Number(r.attempt_count),
      nextAttemptAt: num(r.next_attempt_at),
      lastStatus: num(r.last_status),
      lastError: r.last_error === null ? null : String(r.last_error),
    };
  }

  update(id: number, u: DeliveryUpdate): void {
    this.store.run('UPDATE deliveries SET status = ?, attempt_count = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?', [
      u.status,
      u.attemptCount,
      u.nextAttemptAt,
      u.lastStatus,
      u.lastError,
      id,
    ]);
  }

  list(f: DeliveryFilter, opts: { body?: boolean } = {}): Delivery[] {
    const w = where(f);
    // Without bodies the rows are read from `deliveries` alone: no batch body is decoded, and the
    // bodies still waiting to go into SQLite (delivery_bodies) stay waiting.
    const from = opts.body === false ? `${STATE_COLUMNS}, '' AS body FROM deliveries d` : `${COLUMNS} FROM ${WITH_BODY}`;
    return this.store.all(`SELECT ${from}${w.join} ${w.sql} ORDER BY d.id DESC LIMIT ?`, [...w.params, f.limit ?? 50]).map(toDelivery);
  }

  count(f: DeliveryFilter): number {
    const w = where(f);
    return Number(this.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM deliveries d${w.join} ${w.sql}`, w.params)?.n ?? 0);
  }

  open(webhookId?: number): Delivery[] {
    const sql = `SELECT ${COLUMNS} FROM ${WITH_BODY} WHERE d.status IN ('pending', 'retrying')${webhookId === undefined ? '' : ' AND d.webhook_id = ?'} ORDER BY d.id`;
    return this.store.all(sql, webhookId === undefined ? [] : [webhookId]).map(toDelivery);
  }

  openCount(): number {
    return Number(this.store.get<{ n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'retrying')")?.n ?? 0);
  }

  /** Its row waits to go into SQLite (deferredRows.ts) until a statement names the table: journaled now, with its id. */
  insertAttempt(a: Omit<Attempt, 'id'>): Attempt {
    const id = this.store.transaction(() => {
      const reserved = this.store.reserveIds('delivery_attempts', 1);
      this.store.deferInsert('delivery_attempts', [
        [
          reserved,
          a.deliveryId,
          a.number,
          a.startedAt,
          a.durationMs,
          a.request.url,
          JSON.stringify(a.request.headers),
          a.response?.status ?? null,
          a.response ? JSON.stringify(a.response.headers) : null,
          a.response?.body ?? null,
          a.response?.truncated ? 1 : 0,
          a.error,
          a.ok ? 1 : 0,
        ],
      ]);
      return reserved;
    });
    return {
      id,
      deliveryId: a.deliveryId,
      number: a.number,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      request: a.request,
      response: a.response,
      error: a.error,
      ok: a.ok,
    };
  }

  attempts(deliveryId: number): Attempt[] {
    return this.store.all('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY number, id', [deliveryId]).map(toAttempt);
  }
}
