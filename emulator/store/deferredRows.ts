/**
 * Rows of the read-model tables (issue 13) that are journaled but not yet in SQLite.
 *
 * Every recipient of a send is one `scheduled_events` row until its lifecycle event falls due (the
 * events themselves live in memory: eventLog.ts; so does the delivery queue: queueLog.ts; a batch
 * keeps its events' keys in its own row: migration 008). Written as they come, those rows were a
 * large part of the CPU of the delivery path, in WebAssembly. Nothing on that path reads the
 * table: the scheduler reads a working copy in memory. So their inserts are journaled at once
 * (durable as any write) and the rows wait here; the store writes them into SQLite before any
 * statement that names the table (read-your-writes), when too many wait, or at compaction.
 *
 * A schedule row deleted before it ever reached SQLite is simply dropped from here (its DELETE
 * is journaled; replay inserts and deletes it, to the same end state).
 *
 * The rows of a send (its `sends` row, attachments and one `messages` row per recipient) wait too:
 * nothing on the ingest path reads them, and writing them was a third of an SMTP message's ingest.
 */
import type { Database as SqlJsDatabase, SqlValue } from 'sql.js';
import { columnAt, COLUMN_OPS, JSON_TEXT_OPS } from './journal';
import { Utf8Json } from '../core/jsonText';
import { LazyText, multiRowSql, MULTI_ROWS } from './statements';
import { DeflatingText } from './deflatedText';

/** How the rows of a deferred table are written. */
interface DeferredSpec {
  /** `head VALUES values, …` is the INSERT its rows are written with; a `CAST(? AS TEXT)` column is bound as UTF-8 bytes (Statements.run). */
  head: string;
  values: string;
  width: number;
  /** The first column, when it is an id the caller chose (reserveIds): rows can then be dropped by id. */
  idColumn?: string;
  /**
   * Rows usually deleted soon after they are written (a scheduled lifecycle event): writing them when idle would mostly be work undone a moment later, so only a read,
   * the bound on waiting rows, compaction or a stop write them.
   */
  transient?: true;
  /**
   * Journaled by the previous version as this op (journal.ts, `JSON_TEXT_OPS`) with the rows' values
   * flat, its JSON text column written as JSON: still replayed.
   */
  jsonTextOp?: string;
  /**
   * Journaled as this op (journal.ts, `COLUMN_OPS`), by column, rather than as the INSERTs: the
   * rows' ids are consecutive (reserveIds), and a JSON text column is written as JSON.
   */
  columnOp?: string;
  /**
   * A row whose last column is a `DeflatingText` with its bytes ready is written with these values
   * instead (deflatedText.ts: a plain `?` stores the bytes as a BLOB); any other row with `values`.
   */
  deflatedValues?: string;
}

const SPECS = {
  // Written table by table in this order: a send's rows before the rows that name them.
  sends: {
    head: 'INSERT INTO sends (id, created_at, stream, domain_name, source, mail, open_tracking, click_tracking)',
    values: '(?, ?, ?, ?, ?, CAST(? AS TEXT), ?, ?)',
    width: 8,
    idColumn: 'id',
  },
  send_attachments: {
    head: 'INSERT INTO send_attachments (send_id, position, filename, type, disposition, content_id, size, content)',
    values: '(?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))',
    width: 8,
  },
  messages: {
    head: 'INSERT INTO messages (seq, id, send_id, email, kind, created_at)',
    values: '(?, ?, ?, ?, ?, ?)',
    width: 6,
    idColumn: 'seq',
    columnOp: COLUMN_OPS.messages,
  },
  scheduled_events: {
    head: 'INSERT INTO scheduled_events (id, due_at, payload)',
    values: '(?, ?, CAST(? AS TEXT))',
    width: 3,
    transient: true,
    idColumn: 'id',
    jsonTextOp: JSON_TEXT_OPS.schedule,
    columnOp: COLUMN_OPS.schedule,
  },
  // A batch's body (migration 010): journaled by the delivery repository its own way (made from
  // the events the journal holds), not as these INSERTs.
  // Its body is a `DeflatingText`: stored deflated when its bytes are ready (deflatedText.ts).
  delivery_bodies: {
    head: 'INSERT INTO delivery_bodies (delivery_id, body)',
    values: '(?, CAST(? AS TEXT))',
    width: 2,
    idColumn: 'delivery_id',
    deflatedValues: '(?, ?)',
  },
  // A batch's event keys (migration 011), the text made only when the row is written (a
  // `LazyText`): journaled by the delivery repository as made from the events the journal holds.
  delivery_keys: { head: 'INSERT INTO delivery_keys (delivery_id, event_keys)', values: '(?, CAST(? AS TEXT))', width: 2, idColumn: 'delivery_id' },
  // A delivery's attempts: one row a webhook POST, read only by the inspection APIs (issue 13: its
  // INSERT was half of what recording an attempt cost on the delivery path).
  delivery_attempts: {
    head: 'INSERT INTO delivery_attempts (id, delivery_id, number, started_at, duration_ms, request_url, request_headers, response_status, response_headers, response_body, response_truncated, error, ok)',
    values: '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    width: 13,
    idColumn: 'id',
  },
} satisfies Record<string, DeferredSpec>;
export type DeferredTable = keyof typeof SPECS;
/** The tables whose inserts may wait, and how their rows are written. */
export const DEFERRED: Record<DeferredTable, DeferredSpec> = SPECS;
export const DEFERRED_TABLES = Object.keys(DEFERRED) as DeferredTable[];

/** Characters of a long text that cost as much to write as one row of short values (see `rowCost`). */
const TEXT_PER_ROW = 1024;

/**
 * What writing a waiting row costs, in rows of short values: 1, plus its long texts (a batch's
 * body, ~150 KB; its events' keys) by size. A quiet-time slice (readModel.ts) takes rows up to a
 * cost, so that it stays short whatever they hold: counted by rows, one slice once took 240
 * batches' bodies (36 MB) and held the process ~0.5 s.
 */
export function rowCost(row: readonly SqlValue[]): number {
  let chars = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as unknown;
    if (typeof v === 'string') chars += v.length;
    else if (v instanceof Uint8Array) chars += v.length;
    else if (v instanceof Utf8Json) chars += v.end - v.start;
    else if (v instanceof DeflatingText) chars += v.ready()?.length ?? v.cost;
    else if (v instanceof LazyText) chars += v.cost;
  }
  return 1 + Math.floor(chars / TEXT_PER_ROW);
}
/** The tables whose waiting rows are written when idle (not `transient`). */
export const LASTING_TABLES = DEFERRED_TABLES.filter((t) => !DEFERRED[t].transient);

const NAMES = new RegExp(`\\b(${DEFERRED_TABLES.join('|')})\\b`, 'g');
const namedCache = new Map<string, readonly DeferredTable[]>();

/**
 * The deferred tables `sql` names: their waiting rows must be in SQLite before it runs. Only
 * those: a read of a batch's event rows does not write the queue's rows, which are usually dropped
 * unwritten.
 * (The schema has no views or triggers, so a statement reaches no table it does not name.)
 */
export function deferredTablesIn(sql: string): readonly DeferredTable[] {
  let t = namedCache.get(sql);
  if (t === undefined) {
    t = [...new Set([...sql.matchAll(NAMES)].map((m) => m[1] as DeferredTable))];
    if (namedCache.size < 2000) namedCache.set(sql, t);
  }
  return t;
}

const BY_JSON_TEXT_OP = new Map(DEFERRED_TABLES.filter((t) => DEFERRED[t].jsonTextOp).map((t) => [DEFERRED[t].jsonTextOp!, t]));
const BY_COLUMN_OP = new Map(DEFERRED_TABLES.filter((t) => DEFERRED[t].columnOp).map((t) => [DEFERRED[t].columnOp!, t]));

/** A column op's params (`columnParams`) as the flat rows of its table. */
function rowsOfColumns(params: unknown[], width: number): unknown[] {
  const first = Number(params[0]);
  const n = Number(params[1]);
  const flat: unknown[] = new Array(n * width);
  for (let k = 0; k < n; k++) {
    flat[k * width] = first + k;
    for (let c = 1; c < width; c++) flat[k * width + c] = params[columnAt(n, k, c)];
  }
  return flat;
}

/** The params of a table's `columnOp` for rows (at least one) whose ids are consecutive. */
export function columnParams(rows: readonly (readonly unknown[])[], width: number): unknown[] {
  const n = rows.length;
  const first = Number(rows[0][0]);
  const params: unknown[] = new Array(columnAt(n, 0, width));
  params[0] = first;
  params[1] = n;
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    if (r[0] !== first + k) throw new Error(`rows journaled by column need consecutive ids (${first + k} expected, ${String(r[0])} given)`);
    for (let c = 1; c < width; c++) params[columnAt(n, k, c)] = r[c];
  }
  return params;
}

/**
 * Replay a journaled `jsonTextOp` (its JSON texts are strings again: readJournal) or `columnOp`
 * into `db`; false if `sql` is none.
 */
export function replayDeferredOp(db: SqlJsDatabase, sql: string, params: unknown[]): boolean {
  const byColumn = BY_COLUMN_OP.get(sql);
  const table = byColumn ?? BY_JSON_TEXT_OP.get(sql);
  if (!table) return false;
  if (byColumn) params = rowsOfColumns(params, DEFERRED[table].width);
  // The very INSERTs the rows would have been written with (ReadModel.write).
  const { head, width, values } = DEFERRED[table];
  for (let i = 0; i < params.length; i += width * MULTI_ROWS) {
    const chunk = params.slice(i, i + width * MULTI_ROWS) as SqlValue[];
    db.run(multiRowSql(head, chunk.length / width, values), chunk);
  }
  return true;
}

/** Tables whose first column is an id the caller chose: their rows can be dropped by id. */
const EXPLICIT_ID = new Set<DeferredTable>(DEFERRED_TABLES.filter((t) => DEFERRED[t].idColumn !== undefined));
let nextKey = 0;

/**
 * Waiting rows per table, oldest first (within a table the order is the insertion order). Kept
 * in insertion-ordered maps so that rows deleted by id before they were written (a batch's queue
 * rows, a due lifecycle's rows) leave in time proportional to their number, not to the backlog.
 */
export class DeferredRows {
  private readonly rows = new Map<DeferredTable, Map<number, SqlValue[]>>(DEFERRED_TABLES.map((t) => [t, new Map()]));
  private n = 0;

  get size(): number {
    return this.n;
  }

  count(table: DeferredTable): number {
    return this.rows.get(table)!.size;
  }

  countOf(tables: readonly DeferredTable[]): number {
    let n = 0;
    for (const t of tables) n += this.count(t);
    return n;
  }

  eachRow(table: DeferredTable, fn: (row: SqlValue[]) => void): void {
    for (const r of this.rows.get(table)!.values()) fn(r);
  }

  add(table: DeferredTable, rows: SqlValue[][]): void {
    const map = this.rows.get(table)!;
    if (EXPLICIT_ID.has(table)) for (let i = 0; i < rows.length; i++) map.set(Number(rows[i][0]), rows[i]);
    else for (let i = 0; i < rows.length; i++) map.set(--nextKey, rows[i]);
    this.n += rows.length;
  }

  /**
   * Every row of `other` joins these, after them (a transaction's rows, when it commits); `other`
   * is left empty. A table with no rows here takes `other`'s map as it is: a send's 20,000
   * schedule rows are not copied from one map into another.
   */
  absorb(other: DeferredRows): void {
    for (const [table, theirs] of other.rows) {
      if (!theirs.size) continue;
      const ours = this.rows.get(table)!;
      if (!ours.size) this.rows.set(table, theirs);
      else for (const [k, r] of theirs) ours.set(k, r);
      other.rows.set(table, new Map());
      this.n += theirs.size;
    }
    other.n = 0;
  }

  /** Put rows taken by `take` or `dropIds` back in front (their transaction rolled back). */
  restore(taken: Map<DeferredTable, SqlValue[][]>): void {
    for (const [table, rows] of taken) {
      const old = this.rows.get(table)!;
      const map = new Map<number, SqlValue[]>();
      for (const r of rows) map.set(EXPLICIT_ID.has(table) ? Number(r[0]) : --nextKey, r);
      for (const [k, r] of old) map.set(k, r);
      this.rows.set(table, map);
      this.n += rows.length;
    }
  }

  /**
   * Rows of `tables`, oldest first, table by table, until they cost `limit` (`rowCost`: a row of
   * short values costs 1, a long text more); they leave this buffer.
   */
  take(limit = Infinity, tables: readonly DeferredTable[] = DEFERRED_TABLES): Map<DeferredTable, SqlValue[][]> {
    const out = new Map<DeferredTable, SqlValue[][]>();
    for (const table of tables) {
      if (limit <= 0) break;
      const map = this.rows.get(table)!;
      if (!map.size) continue;
      const got: SqlValue[][] = [];
      if (limit === Infinity) {
        for (const r of map.values()) got.push(r);
        this.rows.set(table, new Map());
      } else {
        for (const [k, r] of map) {
          if (limit <= 0) break;
          got.push(r);
          map.delete(k);
          limit -= rowCost(r);
        }
      }
      out.set(table, got);
      this.n -= got.length;
      limit -= got.length;
    }
    return out;
  }

  /** Drop the waiting rows of an explicit-id table with these ids; returns them. */
  dropIds(table: DeferredTable, ids: readonly number[]): SqlValue[][] {
    if (!EXPLICIT_ID.has(table)) throw new Error(`rows of ${table} have no id to drop them by`);
    const map = this.rows.get(table)!;
    const dropped: SqlValue[][] = [];
    if (!map.size) return dropped;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const r = map.get(id);
      if (r === undefined) continue;
      map.delete(id);
      dropped.push(r);
    }
    this.n -= dropped.length;
    return dropped;
  }
}
