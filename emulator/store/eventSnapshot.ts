/**
 * The in-memory events (eventLog.ts) on disk: in a snapshot, and as a journal replays.
 *
 * A snapshot carries the events in its `event_store` table: chunks of lines (`id` TAB `recorded_at`
 * TAB json) keyed by their first event id, as text or deflated (deflatedText.ts), written for the export and deleted again after it
 * (Store.compact). A store opened from a snapshot leaves its chunks in the database and reads each
 * when first needed (start-up reads none); compaction keeps the chunks not read yet as they are.
 * `meta` keeps the next event id (AUTOINCREMENT's rule: an id is never used twice, even after
 * retention).
 *
 * Data directories from before (migration 007) hold their events as rows of the SQLite `events`
 * table, in the snapshot and in the journal's INSERTs. Those rows move into memory before the
 * first op of the new kind replays (which may name them), or once the replay is over; the store
 * then writes a new snapshot generation (Store.open). Old ops always precede new ones in a
 * journal: a store writes only new ones once it runs this version.
 */
import type { Database as SqlJsDatabase } from 'sql.js';
import { replayDeferredOp } from './deferredRows';
import { EVENT_OPS, EventLog } from './eventLog';
import { registerEventFunctions } from './eventFunctions';
import { QueueLog } from './queueLog';
import { storedText } from './deflatedText';
import { hasTable } from './sqlJs';
import type { ReplayTarget } from './snapshots';

const EVENT_STORE_TABLE = 'event_store';
/** Lines per snapshot chunk (~1 MB of text): reading one is a few milliseconds, one a turn (EventLog.hydrateSome). */
const EVENT_CHUNK = 2_000;
const NEXT_ID_KEY = 'events_next_id';
/** A statement that reads the in-memory events (eventFunctions.ts): an op of the new kind. */
const CALLS_EVENT_FUNCTION = /\bmt_[a-z_]+\(/;


/** A database about to be replayed into, with its events and delivery queue. */
export interface EventReplayTarget extends ReplayTarget {
  events: EventLog;
  queue: QueueLog;
}

/**
 * The events of a just-opened database (a snapshot's, or an empty one) and how its journal
 * replays: ops of `EVENT_OPS` go to the events, the rest to SQLite.
 */
export function prepareEvents(db: SqlJsDatabase): EventReplayTarget {
  const events = new EventLog();
  const queue = new QueueLog();
  registerEventFunctions(db, () => events);
  loadEventChunks(db, events);
  let legacy = true;
  // The queue's rows (a snapshot's, or older SQL ops') move into memory at its first op of the new
  // kind: a journal of the previous version has new event ops among its SQL queue ops.
  let queueInTable = true;
  return {
    events,
    queue,
    run(sql, params) {
      if (sql.charCodeAt(0) === 64 /* @ */ || CALLS_EVENT_FUNCTION.test(sql)) {
        if (legacy) moveLegacyEvents(db, events), (legacy = false);
        if (sql === EVENT_OPS.due) return replayDue(db, events, params);
        if (replayDeferredOp(db, sql, params)) return;
        if (events.apply(sql, params)) return;
        if (sql.startsWith('@queue.')) {
          if (queueInTable) queue.moveFromTable(db), (queueInTable = false);
          if (queue.apply(sql, params)) return;
        }
      }
      db.run(sql, params as never);
    },
  };
}

/** `EVENT_OPS.due`: the events are the payloads of these scheduled rows, which the journal put there. */
function replayDue(db: SqlJsDatabase, events: EventLog, params: unknown[]): void {
  const [first, recordedAt, ...ids] = params.map(Number);
  const r = db.exec('SELECT s.payload FROM json_each(?) j LEFT JOIN scheduled_events s ON s.id = j.value ORDER BY j.key', [JSON.stringify(ids)]);
  // One row per id (a LEFT JOIN): a missing row fails the replay rather than change what it makes.
  const insert: unknown[] = [];
  (r[0]?.values ?? []).forEach(([payload], i) => {
    if (payload === null) throw new Error(`no scheduled row ${ids[i]} for a due event`);
    insert.push(first + i, recordedAt, String(payload));
  });
  events.apply(EVENT_OPS.insert, insert);
}

/**
 * Tell `events` which chunks the snapshot holds; they stay in its database, read and parsed at the
 * first access or a chunk a turn after the ready line (EventLog.hydrateSome).
 */
function loadEventChunks(db: SqlJsDatabase, events: EventLog): void {
  if (!hasTable(db, EVENT_STORE_TABLE)) return;
  const r = db.exec(`SELECT chunk, events FROM ${EVENT_STORE_TABLE} ORDER BY chunk`);
  const chunks = (r[0]?.values ?? []).map(([key, n]) => ({ key: Number(key), events: Number(n) }));
  const next = db.exec('SELECT value FROM meta WHERE key = ?', [NEXT_ID_KEY]);
  if (next.length) events.nextId = Number(next[0].values[0][0]);
  events.setPending(chunks, chunkReader(() => db));
}

/** Reads a chunk's text from the database `db()` gives. */
export function chunkReader(db: () => SqlJsDatabase): (key: number) => string {
  return (key) => {
    const r = db().exec(`SELECT body FROM ${EVENT_STORE_TABLE} WHERE chunk = ?`, [key]);
    if (!r.length) throw new Error(`the snapshot's event chunk ${key} is missing`);
    return storedText(r[0].values[0][0]);
  };
}

/**
 * Move the rows of the SQLite `events` table (a data directory from before the events moved into
 * memory) into `events`; returns how many moved. Not journaled: replaying the same journal onto
 * the same snapshot moves the same rows again.
 */
export function moveLegacyEvents(db: SqlJsDatabase, events: EventLog): number {
  if (!hasTable(db, 'events')) return 0;
  const r = db.exec('SELECT id, event_id, message_id, type, email, recorded_at, payload FROM events ORDER BY id');
  const rows = (r[0]?.values ?? []).map(([id, eventId, messageId, type, email, recordedAt, payload]) => ({
    id: Number(id),
    eventId: String(eventId),
    messageId: String(messageId),
    type: String(type),
    email: String(email),
    recordedAt: Number(recordedAt),
    json: String(payload),
  }));
  const seq = db.exec("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  if (seq.length) events.nextId = Number(seq[0].values[0][0]) + 1;
  if (!rows.length) return 0;
  events.add(rows);
  db.run('DELETE FROM events');
  return rows.length;
}

/**
 * The statements that put the events into the database for a snapshot's export (run through the
 * store's own statements, which bind a long text as bytes): first out with the chunks of events
 * read since the snapshot was opened, then in with every event in memory. Chunks still pending
 * stay as they are (all newer than any event in memory, so their keys never meet).
 */
export function* eventSnapshotRows(events: EventLog): IterableIterator<EventSnapshotRow> {
  yield { sql: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', params: [NEXT_ID_KEY, String(events.nextId)] };
  yield { sql: `DELETE FROM ${EVENT_STORE_TABLE} WHERE chunk < ?`, params: [events.firstPendingChunk ?? Number.MAX_SAFE_INTEGER] };
  for (const c of events.chunks(EVENT_CHUNK)) {
    yield { sql: INSERT_CHUNK, params: [c.key, c.events, c.body], deflated: INSERT_DEFLATED_CHUNK };
  }
}

/** A statement of `eventSnapshotRows`. */
export interface EventSnapshotRow {
  sql: string;
  params: (string | number | Uint8Array)[];
  /** A chunk's: the same row with its text (the last param) deflated instead (deflatedText.ts). */
  deflated?: string;
}
const INSERT_CHUNK = `INSERT INTO ${EVENT_STORE_TABLE} (chunk, events, body) VALUES (?, ?, CAST(? AS TEXT))`;
const INSERT_DEFLATED_CHUNK = `INSERT INTO ${EVENT_STORE_TABLE} (chunk, events, body) VALUES (?, ?, ?)`;

/** After the export: the chunks of events in memory leave the database again (memory holds them). */
export function clearEventSnapshot(db: SqlJsDatabase, events: EventLog): void {
  db.run(`DELETE FROM ${EVENT_STORE_TABLE} WHERE chunk < ?`, [events.firstPendingChunk ?? Number.MAX_SAFE_INTEGER]);
}

