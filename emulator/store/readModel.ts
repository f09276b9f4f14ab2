/**
 * The read-model rows of the store (issue 13; the tables and why are in deferredRows.ts): rows
 * journaled by the store at once, kept here until they are written into SQLite — before any
 * statement that names their table (the store's barrier), when the process is idle, or when too
 * many wait. Transactions see it through begin / commit / rollback: what a transaction defers joins
 * the waiting rows only when it commits, and waiting rows it wrote into SQLite (or dropped) wait
 * again when it rolls back.
 */
import type { SqlValue } from 'sql.js';
import type { Logger } from '../core/ports';
import { columnParams, DEFERRED, DEFERRED_TABLES, DeferredRows, LASTING_TABLES, type DeferredTable } from './deferredRows';
import type { Op } from './journal';
import { DeflatingText } from './deflatedText';
import { flatRows, MULTI_ROWS } from './statements';

/** Waiting rows go into SQLite once this many wait, whatever else happens (~100 MB at most). */
const MAX_WAITING = 200_000;
/**
 * …and when no transaction has committed for this long (real time), a slice a turn, each of rows
 * costing `IDLE_SLICE` (deferredRows.ts, `rowCost`: 2,048 messages, or ~2 MB of batch bodies;
 * ~20–40 ms), so that a request arriving meanwhile waits at most one slice.
 */
export const IDLE_MS = 100;
const IDLE_SLICE = 2048;
/** Under activity that never pauses that long, a slice still goes in once rows have waited this long (real time) since the last one. */
const MAX_DEFER_MS = 1000;

/** What the read model needs of the store. */
export interface ReadModelHost {
  inTransaction(): boolean;
  exec(sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): void;
  /** Run a (cached) prepared statement; nothing is journaled. */
  run(sql: string, params: SqlValue[]): void;
  /** First row of a read that needs no waiting rows. */
  firstRow(sql: string, params?: SqlValue[]): SqlValue[] | undefined;
  multiRow(head: string, width: number, n: number, values: string): string;
  /** False once the store is closed or its journal failed. */
  usable(): boolean;
  log: Logger;
}

export class ReadModel {
  /** Committed rows not yet in SQLite, and those of the open transaction. */
  private readonly waitingRows = new DeferredRows();
  private txnRows: DeferredRows | null = null;
  /** Committed rows the open transaction took out of `waitingRows` (wrote or dropped): back on rollback. */
  private txnTaken: Map<DeferredTable, SqlValue[][]>[] = [];
  /** Next id per explicit-id table, and its value when the open transaction began. */
  private nextIds = new Map<DeferredTable, number>();
  private txnNextIds: Map<DeferredTable, number> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Real time of the last commit: the lasting rows are written only once the store has been quiet for IDLE_MS. */
  private lastCommitAt = 0;
  /** Real time since which lasting rows have waited without a slice written. */
  private waitingSince = 0;

  constructor(private readonly host: ReadModelHost) {}

  /** Real ms since the last commit (the store's quiet-time work waits for IDLE_MS of it). */
  quietMs(): number {
    return performance.now() - this.lastCommitAt;
  }

  /** Real time of the last commit (performance.now()); set back by work that is no activity (the store's quiet-time tasks), forward by activity that is not a commit yet (`Store.active`). */
  get lastCommit(): number {
    return this.lastCommitAt;
  }

  set lastCommit(at: number) {
    this.lastCommitAt = at;
  }

  /** Rows waiting, the open transaction's included. */
  get size(): number {
    return this.waitingRows.size + (this.txnRows?.size ?? 0);
  }

  waiting(table: DeferredTable): number {
    return this.waitingRows.count(table) + (this.txnRows?.count(table) ?? 0);
  }

  /** Column `index` of the waiting rows of `table`, the open transaction's included. */
  waitingValues(table: DeferredTable, index: number): SqlValue[] {
    return this.waitingRowList(table).map((r) => r[index]);
  }

  /** The rows of `table` still waiting (the open transaction's after the committed ones), in the order they wait. */
  waitingRowList(table: DeferredTable): readonly SqlValue[][] {
    const out: SqlValue[][] = [];
    for (const rows of [this.waitingRows, this.txnRows]) rows?.eachRow(table, (r) => out.push(r));
    return out;
  }

  begin(): void {
    this.txnRows = null;
    this.txnTaken = [];
    this.txnNextIds = null;
  }

  commit(): void {
    this.lastCommitAt = performance.now();
    this.txnTaken = [];
    const added = this.txnRows;
    this.txnRows = null;
    if (!added?.size) return;
    if (!this.idleTimer && !this.waitingRows.countOf(LASTING_TABLES)) this.waitingSince = this.lastCommitAt;
    this.waitingRows.absorb(added);
    if (this.waitingRows.size <= MAX_WAITING) return this.armIdle();
    try {
      this.materialize();
    } catch (err) {
      // The rows wait on (materialize puts them back); the next read or commit tries again.
      this.host.log.error('writing the read model failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  rollback(): void {
    for (const taken of this.txnTaken.reverse()) this.waitingRows.restore(taken);
    if (this.txnNextIds) this.nextIds = this.txnNextIds;
    this.txnRows = null;
    this.txnTaken = [];
  }

  /** `n` consecutive new ids of an explicit-id table; returns the first (inside a transaction). */
  reserveIds(table: DeferredTable, n: number): number {
    let next = this.nextIds.get(table);
    if (next === undefined) {
      // No row of `table` waits yet (rows only wait with a reserved id): SQLite has them all.
      const column = DEFERRED[table].idColumn;
      if (!column) throw new Error(`rows of ${table} have no id to reserve`);
      const r = this.host.firstRow(`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), COALESCE((SELECT MAX(${column}) FROM ${table}), 0))`, [table]);
      next = Number(r?.[0] ?? 0) + 1;
    }
    this.txnNextIds ??= new Map(this.nextIds);
    this.nextIds.set(table, next + n);
    return next;
  }

  /**
   * Rows of `table` wait from now (inside a transaction); returns the journal ops that insert them:
   * the very statements they are written with later (a journaled text stays a string: a CAST of
   * a string is a no-op), or the table's `columnOp`.
   */
  defer(table: DeferredTable, rows: SqlValue[][]): Op[] {
    const { head, width, values, columnOp } = DEFERRED[table];
    this.hold(table, rows);
    if (columnOp) return [[columnOp, columnParams(rows, width)]];
    const ops: Op[] = [];
    for (let i = 0; i < rows.length; i += MULTI_ROWS) {
      const n = Math.min(MULTI_ROWS, rows.length - i);
      ops.push([this.host.multiRow(head, width, n, values), flatRows(rows, i, n, width)]);
    }
    return ops;
  }

  /** Rows of `table` wait from now (inside a transaction); the caller journals them its own way. */
  hold(table: DeferredTable, rows: SqlValue[][]): void {
    (this.txnRows ??= new DeferredRows()).add(table, rows);
  }

  /** Drop waiting rows by id (see Store.deleteDeferred); a rollback puts them back. Returns how many were waiting. */
  drop(table: DeferredTable, ids: readonly number[]): number {
    const fromTxn = this.txnRows?.dropIds(table, ids).length ?? 0;
    const dropped = this.waitingRows.dropIds(table, ids);
    if (dropped.length) this.txnTaken.push(new Map([[table, dropped]]));
    return fromTxn + dropped.length;
  }

  /**
   * Write up to `limit` waiting rows into SQLite. Inside a transaction they join it (and wait again
   * if it rolls back); outside, in a transaction of their own. Nothing is journaled: the journal
   * has them since they were deferred.
   */
  materialize(limit = Infinity, tables: readonly DeferredTable[] = DEFERRED_TABLES): void {
    if (!this.host.usable()) return;
    if (this.host.inTransaction()) {
      const committed = this.waitingRows.take(limit, tables);
      if (committed.size) this.txnTaken.push(committed);
      this.write(committed);
      if (this.txnRows) this.write(this.txnRows.take(Infinity, tables));
      return;
    }
    if (!this.waitingRows.countOf(tables)) return;
    const rows = this.waitingRows.take(limit, tables);
    this.host.exec('BEGIN');
    try {
      this.write(rows);
    } catch (err) {
      this.host.exec('ROLLBACK');
      this.waitingRows.restore(rows);
      throw err;
    }
    this.host.exec('COMMIT');
  }

  stopIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private write(rows: Map<DeferredTable, SqlValue[][]>): void {
    for (const [table, list] of rows) {
      const { values, deflatedValues, width } = DEFERRED[table];
      if (!deflatedValues) {
        this.writeRows(table, list, values);
        continue;
      }
      // Rows whose last column's deflated bytes are ready go in as those bytes (deflatedText.ts).
      const deflated: SqlValue[][] = [];
      const plain: SqlValue[][] = [];
      for (const r of list) {
        const v = r[width - 1] as unknown;
        const bytes = v instanceof DeflatingText ? v.ready() : null;
        if (bytes) deflated.push([...r.slice(0, width - 1), bytes]);
        else plain.push(r);
      }
      this.writeRows(table, deflated, deflatedValues);
      this.writeRows(table, plain, values);
    }
  }

  private writeRows(table: DeferredTable, list: SqlValue[][], values: string): void {
    const { head, width } = DEFERRED[table];
    for (let i = 0; i < list.length; i += MULTI_ROWS) {
      const n = Math.min(MULTI_ROWS, list.length - i);
      this.host.run(this.host.multiRow(head, width, n, values), flatRows(list, i, n, width));
    }
  }

  /**
   * Once no transaction has committed for IDLE_MS, write the waiting lasting ones, a slice a turn.
   * (A slice during a run of activity, e.g. between the attempts of a webhook's batches, holds up
   * that work by its whole length: measured, writing the rows of a 20,000-recipient batch send that
   * way cost the end-to-end figure a fifth.)
   */
  private armIdle(delay = IDLE_MS): void {
    if (this.idleTimer) return; // it looks again when it fires
    this.idleTimer = setTimeout(() => this.idleSlice(), delay);
    this.idleTimer.unref();
  }

  /** Starts deflating the waiting rows stored deflated (deflatedText.ts); resolves when those not yet done are; null if none. */
  private deflateWaiting(): Promise<unknown> | null {
    const pending: Promise<void>[] = [];
    for (const table of LASTING_TABLES) {
      const { deflatedValues, width } = DEFERRED[table];
      if (!deflatedValues) continue;
      this.waitingRows.eachRow(table, (r) => {
        const v = r[width - 1] as unknown;
        const p = v instanceof DeflatingText ? v.deflating() : null;
        if (p) pending.push(p);
      });
    }
    return pending.length ? Promise.all(pending) : null;
  }

  private idleSlice(): void {
    this.idleTimer = null;
    if (!this.host.usable() || !this.waitingRows.countOf(LASTING_TABLES)) return;
    const now = performance.now();
    const quiet = this.quietMs();
    if (quiet < IDLE_MS && now - this.waitingSince < MAX_DEFER_MS) return this.armIdle(Math.min(IDLE_MS - quiet, MAX_DEFER_MS - (now - this.waitingSince)));
    // Waiting batch bodies are deflated first, in the thread pool (deflatedText.ts); then it looks again.
    const deflating = this.deflateWaiting();
    if (deflating) {
      void deflating.then(() => this.armIdle(0));
      return;
    }
    this.waitingSince = now;
    try {
      this.materialize(IDLE_SLICE, LASTING_TABLES);
    } catch (err) {
      this.host.log.error('writing the read model failed; it is retried on the next read', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    // Next turn, if still quiet then (the check above).
    if (this.waitingRows.countOf(LASTING_TABLES)) this.armIdle(0);
  }
}
