/**
 * The durable store: SQLite in WebAssembly (sql.js), which lives in memory, made durable by a
 * journal of committed transactions plus atomically written snapshots.
 *
 * Contract: when `transaction()` returns, its writes are in the journal file (one write(2)), so a
 * kill -9 at any later moment loses nothing. On open: load the snapshot, replay journal entries
 * newer than the snapshot's sequence number, cut off a torn tail. Compaction writes a new
 * snapshot to a temp file, fsyncs, renames it into place, then empties the journal; a crash
 * between the rename and the truncation is harmless because replay skips entries the snapshot
 * already holds (meta.journal_seq).
 *
 * Mutations must be deterministic given their SQL and parameters (no random(), no now()):
 * replay re-executes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database as SqlJsDatabase, type SqlValue, type Statement } from 'sql.js';
import type { Logger, UnitOfWork } from '../core/ports';
import { JournalWriter, readJournal, type Op } from './journal';
import { MIGRATIONS } from './migrations';

export type Row = Record<string, SqlValue>;
type Params = SqlValue[];

export interface StoreOptions {
  /** Directory for snapshot and journal; null keeps everything in memory only. */
  dir: string | null;
  log: Logger;
  /** Compact when the journal grows past this many bytes. */
  compactBytes?: number;
}

const SNAPSHOT = 'store.sqlite';
const JOURNAL = 'journal.log';

let sqlJs: ReturnType<typeof initSqlJs> | null = null;

/** sql-wasm.wasm sits next to the bundle in dist/; from sources it comes from node_modules. */
function locateWasm(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  // Built from parts so the bundler leaves this development-only lookup alone.
  return require.resolve(['sql.js', 'dist', 'sql-wasm.wasm'].join('/'));
}

export class Store implements UnitOfWork {
  private readonly statements = new Map<string, Statement>();
  /** Result column names per prepared statement: fetched once, not per row (see `row`). */
  private columns = new WeakMap<Statement, string[]>();
  private pending: Op[] | null = null;
  private seq = 0;
  private closed = false;

  private constructor(
    private db: SqlJsDatabase,
    private readonly dir: string | null,
    private readonly journal: JournalWriter | null,
    private readonly log: Logger,
    private readonly compactBytes: number,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    sqlJs ??= initSqlJs({ locateFile: () => locateWasm() });
    const SQL = await sqlJs;
    const log = opts.log;
    let db: SqlJsDatabase;
    let journal: JournalWriter | null = null;
    let seq = 0;
    if (opts.dir) {
      fs.mkdirSync(opts.dir, { recursive: true });
      const snapshotFile = path.join(opts.dir, SNAPSHOT);
      db = fs.existsSync(snapshotFile) ? new SQL.Database(fs.readFileSync(snapshotFile)) : new SQL.Database();
      Store.pragmas(db);
      const snapshotSeq = Store.snapshotSeq(db);
      seq = snapshotSeq;
      const journalFile = path.join(opts.dir, JOURNAL);
      const read = readJournal(journalFile);
      if (read.tornBytes > 0) {
        log.warn('journal has a torn tail; cutting it off', { tornBytes: read.tornBytes, keptEntries: read.entries.length });
        fs.truncateSync(journalFile, read.validBytes);
      }
      let replayed = 0;
      db.exec('BEGIN');
      for (const entry of read.entries) {
        if (entry.q <= snapshotSeq) continue;
        for (const [sql, params] of entry.o) db.run(sql, params as Params);
        seq = entry.q;
        replayed++;
      }
      db.exec('COMMIT');
      journal = new JournalWriter(journalFile);
      log.info('store opened', { dir: opts.dir, snapshotSeq, replayed });
    } else {
      db = new SQL.Database();
      Store.pragmas(db);
    }
    const store = new Store(db, opts.dir, journal, log, opts.compactBytes ?? 64 * 1024 * 1024);
    store.seq = seq;
    store.migrate();
    // No compaction here: start-up stays fast; the journal keeps growing until compactBytes or a clean stop.
    return store;
  }

  private static pragmas(db: SqlJsDatabase): void {
    // The database is a memory file; durability comes from the journal, not SQLite's own.
    db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;');
  }

  private static snapshotSeq(db: SqlJsDatabase): number {
    try {
      const r = db.exec("SELECT value FROM meta WHERE key = 'journal_seq'");
      return r.length ? Number(r[0].values[0][0]) : 0;
    } catch {
      return 0; // no meta table yet: an empty database
    }
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
    if (this.pending) return fn();
    this.pending = [];
    this.db.exec('BEGIN');
    let result: T;
    try {
      result = fn();
      if (this.journal && this.pending.length) this.journal.append({ q: this.seq + 1, o: this.pending });
    } catch (err) {
      this.pending = null;
      this.db.exec('ROLLBACK');
      throw err;
    }
    if (this.pending.length) this.seq++;
    this.pending = null;
    this.db.exec('COMMIT');
    if (this.journal && this.journal.size > this.compactBytes) this.compact();
    return result;
  }

  /** A write. Outside a transaction it is a transaction of its own. */
  run(sql: string, params: Params = []): number {
    if (!this.pending) return this.transaction(() => this.run(sql, params));
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
    this.prepare(sql).run(params);
    this.pending.push([sql, params]);
    const last = this.prepare('SELECT last_insert_rowid()');
    try {
      last.step();
      return Number(last.get()[0]);
    } finally {
      last.reset();
    }
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
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? (this.row(stmt) as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  private query(sql: string, params: Params): Row[] {
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

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Write a snapshot atomically and empty the journal. */
  compact(): void {
    if (!this.dir || !this.journal) return;
    const started = process.hrtime.bigint();
    this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [
      String(this.seq),
    ]);
    // export() frees every prepared statement; drop our cache with them.
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    const data = this.db.export();
    Store.pragmas(this.db);
    const file = path.join(this.dir, SNAPSHOT);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(this.dir);
    this.journal.reset();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.log.debug('store compacted', { bytes: data.length, seq: this.seq, ms: Math.round(ms) });
  }

  close(): void {
    if (this.closed) return;
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

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename is still atomic.
  }
}

/** Split a migration into statements (migrations hold no semicolons inside literals). */
function splitSql(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
