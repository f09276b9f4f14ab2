/**
 * The durable store: SQLite in WebAssembly (sql.js), which lives in memory, made durable by a
 * journal of committed transactions plus atomically written snapshots.
 *
 * Contract: when `transaction()` returns, its writes are in the journal file (one write(2)), so a
 * kill -9 at any later moment loses nothing. With `groupCommit` the write is deferred to the end of
 * the event-loop turn instead: every transaction committed in one turn shares one journal record
 * and one write(2), and whoever acknowledges a change waits for it with `whenDurable` (the HTTP
 * and SMTP adapters hold every answer until then). On open: load the newest usable snapshot generation,
 * replay journal entries newer than its sequence number (meta.journal_seq), cut off a torn tail.
 * Compaction writes a new snapshot generation and rotates the journal; the previous snapshot and
 * its journal stay, so a torn or corrupt snapshot falls back to them (see snapshots.ts).
 *
 * Mutations must be deterministic given their SQL and parameters (no random(), no now()):
 * replay re-executes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue, type Statement } from 'sql.js';
import type { Logger, UnitOfWork } from '../core/ports';
import { DEFERRED, DeferredRows, touchesDeferred, type DeferredTable } from './deferredRows';
import { JournalWriter, type Op } from './journal';
import { MIGRATIONS } from './migrations';
import { awaitPreloads, COMPACTION_STEPS, FILES, openGenerations } from './snapshots';

export type Row = Record<string, SqlValue>;
type Params = SqlValue[];
/**
 * Parameters bound in memory only (never journaled): a long text may go as its UTF-8 bytes into a
 * `CAST(? AS TEXT)` placeholder. sql.js encodes a string parameter with a JavaScript loop, twice
 * (length, then bytes); Buffer.from does it natively, ~10× faster for a batch body.
 */
export type BindParams = (SqlValue | Buffer)[];

export interface StoreOptions {
  /** Directory for snapshot and journal; null keeps everything in memory only. */
  dir: string | null;
  log: Logger;
  /** Compact when the journal grows past this many bytes. */
  compactBytes?: number;
  /**
   * Group commit: transactions of one event-loop turn share one journal record, written at the
   * end of the turn (setImmediate); callers acknowledge through `whenDurable`. Off by default:
   * then each transaction is written before `transaction()` returns.
   */
  groupCommit?: boolean;
}

/** Called once the journal holds everything committed before `whenDurable`, or with why it cannot. */
export type DurableCallback = (err?: Error) => void;


/** Rows per multi-row INSERT: large enough to amortise the statement, small enough for few distinct SQL texts. */
const MULTI_ROWS = 64;
/** Deferred rows (see deferredRows.ts) go into SQLite once this many wait, whatever else happens. */
const MAX_DEFERRED_ROWS = 200_000;
/**
 * …and when no transaction has added any for this long (real time), in slices of `IDLE_SLICE`
 * rows a turn (~20–40 ms each), so that a request arriving meanwhile waits at most one slice.
 */
const IDLE_MS = 100;
const IDLE_SLICE = 2048;

let sqlJs: ReturnType<typeof initSqlJs> | null = null;

/**
 * Start compiling SQLite's WebAssembly now: the compile runs on V8's background threads while
 * the main thread goes on loading the rest of the emulator (the CLI calls this before anything
 * else is evaluated; `Store.open` then finds it done).
 */
export function preloadSqlJs(): void {
  sqlJs ??= initSqlJs({ locateFile: () => locateWasm() });
  sqlJs.catch(() => undefined); // Store.open reports a failure
}

/** sql-wasm.wasm sits next to the bundle in dist/; from sources it comes from node_modules. */
function locateWasm(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  // Built from parts so the bundler leaves this development-only lookup alone.
  return require.resolve(['sql.js', 'dist', 'sql-wasm.wasm'].join('/'));
}

export class Store implements UnitOfWork {
  private readonly statements = new Map<string, Statement>();
  private readonly multiRowSql = new Map<string, string>();
  /** Result column names per prepared statement: fetched once, not per row (see `row`). */
  private columns = new WeakMap<Statement, string[]>();
  private pending: Op[] | null = null;
  private seq = 0;
  private closed = false;
  private groupCommit = false;
  /** Ops of committed transactions not yet in the journal (group commit only). */
  private unflushed: Op[] = [];
  private waiters: DurableCallback[] = [];
  private flushScheduled = false;
  /** Set when a journal write failed: memory is ahead of the disk, so nothing more may commit. */
  private failed: Error | null = null;
  /** Committed rows of the read-model tables not yet in SQLite, and those of the open transaction. */
  private readonly deferred = new DeferredRows();
  private txnDeferred: DeferredRows | null = null;
  /** Committed rows the open transaction took out of `deferred` (wrote or dropped): back on rollback. */
  private txnTaken: Map<DeferredTable, SqlValue[][]>[] = [];
  /** Next id per explicit-id deferred table, and its value when the open transaction began. */
  private nextIds = new Map<DeferredTable, number>();
  private txnNextIds: Map<DeferredTable, number> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** `afterCommit` callbacks of the open transaction. */
  private txnAfterCommit: (() => void)[] = [];

  private constructor(
    private db: SqlJsDatabase,
    private readonly dir: string | null,
    private readonly journal: JournalWriter | null,
    private readonly log: Logger,
    private readonly compactBytes: number,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    preloadSqlJs();
    const SQL = await sqlJs!;
    await awaitPreloads();
    const log = opts.log;
    let db: SqlJsDatabase;
    let journal: JournalWriter | null = null;
    let seq = 0;
    let fellBack = false;
    if (opts.dir) {
      fs.mkdirSync(opts.dir, { recursive: true });
      const opened = openGenerations(SQL, opts.dir, Store.pragmas, (msg, fields) => log.warn(msg, fields));
      db = opened.db;
      seq = opened.seq;
      fellBack = opened.fellBack;
      journal = new JournalWriter(path.join(opts.dir, FILES.journal));
      log.info('store opened', { dir: opts.dir, from: opened.source, snapshotSeq: opened.snapshotSeq, replayed: opened.replayed });
    } else {
      db = new SQL.Database();
      Store.pragmas(db);
    }
    const store = new Store(db, opts.dir, journal, log, opts.compactBytes ?? 64 * 1024 * 1024);
    store.seq = seq;
    store.migrate();
    if (fellBack && opts.dir) {
      // Keep the bad file for inspection and write a good generation at once.
      fs.renameSync(path.join(opts.dir, FILES.snapshot), path.join(opts.dir, FILES.corrupt));
      fs.rmSync(path.join(opts.dir, `${FILES.snapshot}.sha256`), { force: true });
      store.compact();
      log.warn('recovered from an unusable snapshot; it was kept as ' + FILES.corrupt, { seq: store.seq });
    }
    store.groupCommit = Boolean(opts.groupCommit && journal);
    // No compaction here: start-up stays fast; the journal keeps growing until compactBytes or a clean stop.
    return store;
  }

  private static pragmas(db: SqlJsDatabase): void {
    // The database is a memory file; durability comes from the journal, not SQLite's own.
    db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;');
  }

  private migrate(): void {
    const applied = new Set<number>();
    const hasTable = this.db.exec("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").length > 0;
    if (hasTable) for (const r of this.all('SELECT version FROM schema_migrations')) applied.add(Number(r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.transaction(() => {
        this.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
        for (const stmt of splitSql(m.sql)) this.run(stmt);
        this.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      });
      this.log.info('migration applied', { version: m.version, name: m.name });
    }
    this.columns = new WeakMap();
  }

  get inMemoryOnly(): boolean {
    return this.dir === null;
  }

  /**
   * Runs `fn` as one atomic, durable unit. Nested calls join the outer transaction.
   * If `fn` throws, nothing it wrote remains, in memory or on disk.
   */
  transaction<T>(fn: () => T): T {
    if (this.closed) throw new Error('store is closed');
    if (this.failed) throw new Error(`store is unavailable after a failed journal write: ${this.failed.message}`);
    if (this.pending) return fn();
    this.pending = [];
    this.txnDeferred = null;
    this.txnTaken = [];
    this.txnNextIds = null;
    this.txnAfterCommit = [];
    this.db.exec('BEGIN');
    let result: T;
    try {
      result = fn();
      if (this.journal && this.pending.length && !this.groupCommit) this.journal.append({ q: this.seq + 1, o: this.pending });
    } catch (err) {
      this.pending = null;
      this.db.exec('ROLLBACK');
      // What the transaction deferred is gone with it; what it wrote of earlier deferred rows waits again.
      for (const taken of this.txnTaken.reverse()) this.deferred.restore(taken);
      if (this.txnNextIds) this.nextIds = this.txnNextIds;
      this.txnDeferred = null;
      this.txnTaken = [];
      this.txnAfterCommit = [];
      throw err;
    }
    const ops = this.pending;
    this.pending = null;
    this.db.exec('COMMIT');
    this.txnTaken = [];
    // (fn() set it; the compiler still sees the null assigned above.)
    const txnRows = this.txnDeferred as DeferredRows | null;
    if (txnRows) {
      const added = txnRows.take();
      this.txnDeferred = null;
      for (const [table, rows] of added) this.deferred.add(table, rows);
      if (this.deferred.size > MAX_DEFERRED_ROWS) this.materialize();
      else this.armIdle();
    }
    const after = this.txnAfterCommit;
    this.txnAfterCommit = [];
    for (const fn of after) fn();
    if (this.groupCommit) {
      if (ops.length) this.queueForJournal(ops);
    } else {
      if (ops.length) this.seq++;
      if (this.journal && this.journal.size > this.compactBytes) this.compact();
    }
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.pending) this.txnAfterCommit.push(fn);
    else fn();
  }

  private queueForJournal(ops: Op[]): void {
    for (const op of ops) this.unflushed.push(op);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Calls `cb` once everything committed so far is in the journal: at once when it already is
   * (always, without group commit), else after this turn's write. On a failed write `cb` gets the
   * error: the change must not be acknowledged.
   */
  whenDurable(cb: DurableCallback): void {
    if (this.failed) return cb(this.failed);
    if (!this.unflushed.length) return cb();
    this.waiters.push(cb);
  }

  /** `whenDurable` as a promise (rejects when the write failed). */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => this.whenDurable((err) => (err ? reject(err) : resolve())));
  }

  /** Write the turn's transactions as one journal record, then release whoever waits for them. */
  flush(compactIfLarge = true): void {
    this.flushScheduled = false;
    if (this.closed) return; // close() flushed already
    const waiters = this.waiters;
    this.waiters = [];
    if (this.unflushed.length && this.journal && !this.failed) {
      try {
        this.journal.append({ q: this.seq + 1, o: this.unflushed });
        this.seq++;
        this.unflushed = [];
      } catch (err) {
        this.failed = err instanceof Error ? err : new Error(String(err));
        this.log.error('journal write failed; no further change will be accepted', { error: this.failed.message });
      }
    }
    for (const w of waiters) {
      try {
        w(this.failed ?? undefined);
      } catch (err) {
        this.log.error('durability callback failed', { error: err instanceof Error ? err.stack : String(err) });
      }
    }
    if (compactIfLarge && !this.failed && this.journal && this.journal.size > this.compactBytes) {
      try {
        this.compact();
      } catch (err) {
        // The journal still holds everything; the next flush tries again.
        this.log.error('compaction failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** A write. Outside a transaction it is a transaction of its own. */
  run(sql: string, params: Params = []): number {
    if (!this.pending) return this.transaction(() => this.run(sql, params));
    this.barrier(sql);
    const stmt = this.prepare(sql);
    stmt.run(params);
    this.pending.push([sql, params]);
    return this.db.getRowsModified();
  }

  /**
   * An INSERT of one row: journaled like `run`; returns the new rowid. Cheaper than `RETURNING id`,
   * which makes SQLite collect the returned rows in a temporary table first.
   */
  insert(sql: string, params: Params = []): number {
    if (!this.pending) return this.transaction(() => this.insert(sql, params));
    this.barrier(sql);
    this.prepare(sql).run(params);
    this.pending.push([sql, params]);
    return this.lastRowid();
  }

  private lastRowid(): number {
    const last = this.prepare('SELECT last_insert_rowid()');
    try {
      last.step();
      return Number(last.get()[0]);
    } finally {
      last.reset();
    }
  }

  /**
   * Many rows of one table, `MULTI_ROWS` per statement: one trip into WebAssembly and one journal
   * op per chunk instead of per row. `head` is `INSERT INTO t (a, b, …)`; every row has `width`
   * values. Returns the rowid of the last row; a chunk's rows get consecutive rowids (one writer,
   * ids only grow), so a caller may count back from it.
   */
  insertMany(head: string, width: number, rows: SqlValue[][]): number {
    let last = 0;
    for (let i = 0; i < rows.length; i += MULTI_ROWS) {
      const n = Math.min(MULTI_ROWS, rows.length - i);
      const key = `${head}|${width}|${n}`;
      let sql = this.multiRowSql.get(key);
      if (!sql) this.multiRowSql.set(key, (sql = `${head} VALUES ${Array(n).fill(`(${Array(width).fill('?').join(', ')})`).join(', ')}`));
      const params: SqlValue[] = [];
      for (let k = i; k < i + n; k++) for (const v of rows[k]) params.push(v);
      last = this.insert(sql, params);
    }
    return last;
  }

  /**
   * An INSERT of one row that runs as `sql` in memory but is journaled as `journal`, a statement
   * that makes the same row from what the journal already holds (e.g. a batch body from its events'
   * rows, instead of the body's bytes a second time). The caller vouches that both make the same
   * row on the same state. Returns the new rowid.
   */
  insertAs(sql: string, params: BindParams, journal: Op): number {
    if (!this.pending) return this.transaction(() => this.insertAs(sql, params, journal));
    this.barrier(sql);
    this.prepare(sql).run(params as Params);
    this.pending.push(journal);
    return this.lastRowid();
  }

  /** A write with `RETURNING`: journaled like `run`, returns the rows. */
  write(sql: string, params: Params = []): Row[] {
    if (!this.pending) return this.transaction(() => this.write(sql, params));
    const rows = this.query(sql, params);
    this.pending.push([sql, params]);
    return rows;
  }

  all<T = Row>(sql: string, params: Params = []): T[] {
    return this.query(sql, params) as T[];
  }

  get<T = Row>(sql: string, params: Params = []): T | undefined {
    this.barrier(sql);
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? (this.row(stmt) as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  private query(sql: string, params: Params): Row[] {
    this.barrier(sql);
    const stmt = this.prepare(sql);
    const rows: Row[] = [];
    try {
      stmt.bind(params);
      while (stmt.step()) rows.push(this.row(stmt));
    } finally {
      stmt.reset();
    }
    return rows;
  }

  /**
   * The current row as an object. sql.js's `getAsObject` asks SQLite for every column's name on
   * every row; a statement's columns only change with the schema, which only migrations change
   * (and `migrate` drops this cache after them).
   */
  private row(stmt: Statement): Row {
    let names = this.columns.get(stmt);
    if (!names) this.columns.set(stmt, (names = stmt.getColumnNames()));
    const values = stmt.get();
    const r: Row = {};
    for (let i = 0; i < names.length; i++) r[names[i]] = values[i];
    return r;
  }

  // ---- the read-model tables (deferredRows.ts)

  /** `n` consecutive new ids of an explicit-id deferred table; returns the first. Rolled back with the transaction. */
  reserveIds(table: DeferredTable, n: number): number {
    if (!this.pending) throw new Error('reserveIds needs a transaction');
    let next = this.nextIds.get(table);
    if (next === undefined) {
      // No row of `table` waits yet (rows only wait with a reserved id): SQLite has them all.
      const r = this.rawGet(`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), COALESCE((SELECT MAX(id) FROM ${table}), 0)) AS m`, [table]);
      next = Number(r?.[0] ?? 0) + 1;
    }
    this.txnNextIds ??= new Map(this.nextIds);
    this.nextIds.set(table, next + n);
    return next;
  }

  /**
   * Rows of a read-model table, in its `DEFERRED[table].head` column order: journaled now as
   * multi-row INSERTs (the same statements an immediate insert journals), written into SQLite
   * later (before anything names the table).
   */
  deferInsert(table: DeferredTable, rows: SqlValue[][]): void {
    if (!rows.length) return;
    if (!this.pending) return this.transaction(() => this.deferInsert(table, rows));
    const { head, width, values } = DEFERRED[table];
    for (let i = 0; i < rows.length; i += MULTI_ROWS) {
      const n = Math.min(MULTI_ROWS, rows.length - i);
      const params: SqlValue[] = [];
      for (let k = i; k < i + n; k++) for (const v of rows[k]) params.push(v);
      // The same statement as in memory; journaled texts stay strings (CAST of a string is a no-op).
      this.pending.push([this.multiRow(head, width, n, values), params]);
    }
    (this.txnDeferred ??= new DeferredRows()).add(table, rows);
  }

  /**
   * DELETE rows of a deferred table: those still waiting, chosen by `match` among the first ones
   * for which `inPrefix` holds, are dropped in memory; `sql` runs for those already in SQLite and
   * is journaled. `match` and `sql` must pick the same rows. Explicit-id tables only (a rollback
   * puts dropped rows back in front, which changes no id).
   */
  deleteDeferred(table: DeferredTable, inPrefix: (row: SqlValue[]) => boolean, match: (row: SqlValue[]) => boolean, sql: string, params: Params): void {
    if (!this.pending) return this.transaction(() => this.deleteDeferred(table, inPrefix, match, sql, params));
    this.txnDeferred?.drop(table, inPrefix, match);
    const dropped = this.deferred.drop(table, inPrefix, match);
    // Gone in memory only if the transaction commits: a rollback puts them back.
    if (dropped.length) this.txnTaken.push(new Map([[table, dropped]]));
    this.prepare(sql).run(params);
    this.pending.push([sql, params]);
  }

  /** COUNT(*) of a deferred table, waiting rows included, without writing them into SQLite. */
  countRows(table: DeferredTable): number {
    const inDb = Number(this.rawGet(`SELECT COUNT(*) FROM ${table}`)?.[0] ?? 0);
    return inDb + this.deferred.count(table) + (this.txnDeferred?.count(table) ?? 0);
  }

  /** Rows waiting to be written into SQLite (for tests and logs). */
  get deferredRows(): number {
    return this.deferred.size + (this.txnDeferred?.size ?? 0);
  }

  /** Before a statement that names a deferred table: write the waiting rows. */
  private barrier(sql: string): void {
    if ((this.deferred.size || this.txnDeferred?.size) && touchesDeferred(sql)) this.materialize();
  }

  /**
   * Write up to `limit` waiting rows into SQLite. Inside a transaction they join it (and wait again
   * if it rolls back); outside, in a transaction of their own. Nothing is journaled: the journal
   * has them since they were deferred.
   */
  materialize(limit = Infinity): void {
    if (this.closed) return;
    if (this.pending) {
      const committed = this.deferred.take(limit);
      if (committed.size) this.txnTaken.push(committed);
      this.writeRows(committed);
      if (this.txnDeferred) this.writeRows(this.txnDeferred.take());
      return;
    }
    if (!this.deferred.size) return;
    const rows = this.deferred.take(limit);
    this.db.exec('BEGIN');
    try {
      this.writeRows(rows);
    } catch (err) {
      this.db.exec('ROLLBACK');
      this.deferred.restore(rows);
      throw err;
    }
    this.db.exec('COMMIT');
  }

  private writeRows(rows: Map<DeferredTable, SqlValue[][]>): void {
    for (const [table, list] of rows) {
      const { head, width, values } = DEFERRED[table];
      const asBytes = values.includes('CAST') ? values.split(',').map((v) => v.includes('CAST')) : null;
      for (let i = 0; i < list.length; i += MULTI_ROWS) {
        const n = Math.min(MULTI_ROWS, list.length - i);
        const params: BindParams = [];
        for (let k = i; k < i + n; k++) {
          const row = list[k];
          for (let c = 0; c < width; c++) params.push(asBytes?.[c] && typeof row[c] === 'string' ? Buffer.from(row[c] as string) : row[c]);
        }
        this.prepare(this.multiRow(head, width, n, values)).run(params as Params);
      }
    }
  }

  /** When no transaction defers rows for IDLE_MS, write the waiting ones, a slice a turn. */
  private armIdle(): void {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.idleSlice(), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private idleSlice(): void {
    this.idleTimer = null;
    if (this.closed || this.failed || !this.deferred.size) return;
    try {
      this.materialize(IDLE_SLICE);
    } catch (err) {
      this.log.error('writing the read model failed; it is retried on the next read', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (this.deferred.size && !this.idleTimer) {
      // Still idle unless a transaction re-armed the timer meanwhile: go on next turn.
      this.idleTimer = setTimeout(() => this.idleSlice(), 0);
      this.idleTimer.unref();
    }
  }

  private multiRow(head: string, width: number, n: number, values = `(${Array(width).fill('?').join(', ')})`): string {
    const key = `${head}|${values}|${n}`;
    let sql = this.multiRowSql.get(key);
    if (!sql) this.multiRowSql.set(key, (sql = `${head} VALUES ${Array(n).fill(values).join(', ')}`));
    return sql;
  }

  /** A read that skips the barrier (it must not need the waiting rows). First row as an array. */
  private rawGet(sql: string, params: Params = []): SqlValue[] | undefined {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? stmt.get() : undefined;
    } finally {
      stmt.reset();
    }
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Write a new snapshot generation and rotate the journal. `steps` is for crash tests only: run
   * just the first `steps` compaction steps, as if the process died right after them.
   */
  compact(steps = COMPACTION_STEPS.length): void {
    if (!this.dir || !this.journal || this.failed) return;
    // The snapshot will hold every committed change: journal the pending ones first, so that their
    // record is not replayed on top of a snapshot that already has them.
    if (this.unflushed.length) this.flush(false);
    if (this.failed) return;
    this.materialize();
    const started = process.hrtime.bigint();
    this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [
      String(this.seq),
    ]);
    // export() frees every prepared statement; drop our cache with them.
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    const data = this.db.export();
    Store.pragmas(this.db);
    const dir = this.dir;
    const journal = this.journal;
    const ctx = { dir, data, rotateJournal: () => journal.rotate(path.join(dir, FILES.prevJournal)) };
    for (const step of COMPACTION_STEPS.slice(0, steps)) step(ctx);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.log.debug('store compacted', { bytes: data.length, seq: this.seq, ms: Math.round(ms) });
  }

  close(): void {
    if (this.closed) return;
    if (this.unflushed.length || this.waiters.length) this.flush(false);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.failed) this.materialize();
    if (this.journal) {
      this.compact();
      this.journal.close();
    }
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
    this.closed = true;
  }
}

/** Split a migration into statements (migrations hold no semicolons inside literals). */
function splitSql(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
