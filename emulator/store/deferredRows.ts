/**
 * Rows of the read-model tables (issue 13) that are journaled but not yet in SQLite.
 *
 * Every event is one `events` row, one `delivery_queue` row while it waits for its batch and one
 * `delivery_events` row once batched; every recipient of a send one `scheduled_events` row until
 * its lifecycle event falls due. Written as they come, those rows were most of the CPU of the
 * delivery path, in WebAssembly. Nothing on that path reads those tables: the delivery engine
 * keeps its queue in memory and builds batch bodies from the events' JSON, the scheduler reads a
 * working copy in memory. So their inserts are journaled at once (durable as any write) and the
 * rows wait here; the store writes them into SQLite before any statement that names one of these
 * tables (read-your-writes), when the process is idle, or when too many wait.
 *
 * A queue or schedule row deleted before it ever reached SQLite is simply dropped from here (its
 * DELETE is journaled; replay inserts and deletes it, to the same end state).
 */
import type { SqlValue } from 'sql.js';

/**
 * The tables whose inserts may wait: `head` and `values` make the INSERT each one's rows are
 * written with. A `CAST(? AS TEXT)` column is bound as UTF-8 bytes in memory (see BindParams).
 */
export const DEFERRED = {
  events: {
    head: 'INSERT INTO events (id, event_id, message_id, type, email, recorded_at, payload)',
    values: '(?, ?, ?, ?, ?, ?, CAST(? AS TEXT))',
    width: 7,
  },
  delivery_queue: { head: 'INSERT INTO delivery_queue (id, webhook_id, event_row_id, queued_at)', values: '(?, ?, ?, ?)', width: 4, transient: true },
  scheduled_events: { head: 'INSERT INTO scheduled_events (id, due_at, payload)', values: '(?, ?, CAST(? AS TEXT))', width: 3, transient: true },
  delivery_events: {
    head: 'INSERT INTO delivery_events (delivery_id, event_id, type, message_id, email)',
    values: '(?, ?, ?, ?, ?)',
    width: 5,
  },
} as const;
export type DeferredTable = keyof typeof DEFERRED;
export const DEFERRED_TABLES = Object.keys(DEFERRED) as DeferredTable[];
/**
 * Rows that are usually deleted soon after they are written (a queued event, a scheduled
 * lifecycle event): writing them when idle would mostly be work undone a moment later, so only
 * a read, the bound on waiting rows, compaction or a stop write them.
 */
export const LASTING_TABLES = DEFERRED_TABLES.filter((t) => !('transient' in DEFERRED[t]));

const NAMES = new RegExp(`\\b(${DEFERRED_TABLES.join('|')})\\b`);
const touchCache = new Map<string, boolean>();

/** Whether `sql` names a deferred table (then its waiting rows must be in SQLite first). */
export function touchesDeferred(sql: string): boolean {
  let t = touchCache.get(sql);
  if (t === undefined) {
    t = NAMES.test(sql);
    if (touchCache.size < 2000) touchCache.set(sql, t);
  }
  return t;
}

/** Waiting rows per table, oldest first (within a table the order is the insertion order). */
export class DeferredRows {
  private readonly rows = new Map<DeferredTable, SqlValue[][]>(DEFERRED_TABLES.map((t) => [t, []]));
  private n = 0;

  get size(): number {
    return this.n;
  }

  count(table: DeferredTable): number {
    return this.rows.get(table)!.length;
  }

  countOf(tables: readonly DeferredTable[]): number {
    let n = 0;
    for (const t of tables) n += this.count(t);
    return n;
  }

  add(table: DeferredTable, rows: SqlValue[][]): void {
    const list = this.rows.get(table)!;
    for (const r of rows) list.push(r);
    this.n += rows.length;
  }

  /** Put rows taken by `take` back in front (their transaction rolled back). */
  restore(taken: Map<DeferredTable, SqlValue[][]>): void {
    for (const [table, rows] of taken) {
      this.rows.set(table, rows.concat(this.rows.get(table)!));
      this.n += rows.length;
    }
  }

  /** Up to `limit` rows of `tables`, oldest first, table by table; they leave this buffer. */
  take(limit = Infinity, tables: readonly DeferredTable[] = DEFERRED_TABLES): Map<DeferredTable, SqlValue[][]> {
    const out = new Map<DeferredTable, SqlValue[][]>();
    for (const table of tables) {
      if (limit <= 0) break;
      const list = this.rows.get(table)!;
      if (!list.length) continue;
      const k = Math.min(limit, list.length);
      out.set(table, k === list.length ? list : list.slice(0, k));
      this.rows.set(table, k === list.length ? [] : list.slice(k));
      this.n -= k;
      limit -= k;
    }
    return out;
  }

  /**
   * Drop the waiting rows of `table` among its first ones for which `match` holds, scanning only
   * while `inPrefix` holds (rows are in id order). Returns the dropped rows.
   */
  drop(table: DeferredTable, inPrefix: (row: SqlValue[]) => boolean, match: (row: SqlValue[]) => boolean): SqlValue[][] {
    const list = this.rows.get(table)!;
    let end = 0;
    while (end < list.length && inPrefix(list[end])) end++;
    if (!end) return [];
    const kept: SqlValue[][] = [];
    const dropped: SqlValue[][] = [];
    for (let i = 0; i < end; i++) (match(list[i]) ? dropped : kept).push(list[i]);
    if (dropped.length) {
      this.rows.set(table, kept.length ? kept.concat(list.slice(end)) : list.slice(end));
      this.n -= dropped.length;
    }
    return dropped;
  }
}
