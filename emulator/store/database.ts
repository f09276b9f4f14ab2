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
import type { Database as SqlJsDatabase, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { Logger, QuietTime, UnitOfWork } from '../core/ports';
import { deferredTablesIn, type DeferredTable } from './deferredRows';
import { EVENT_OPS, EventLog, type EventRow, type NewEventRow } from './eventLog';
import { registerEventFunctions } from './eventFunctions';
import { QUEUE_OPS, QueueLog } from './queueLog';
import { chunkReader, clearEventSnapshot, eventSnapshotRows, moveLegacyEvents, prepareEvents, type EventSnapshotRow } from './eventSnapshot';
import { DeflatingText } from './deflatedText';
import { JournalWriter, type Op } from './journal';
import { discardedFile, unlinkInBackground } from './replaceFile';
import { MemoryCopy, memoryDatabase } from './memoryDb';
import { MIGRATIONS } from './migrations';
import { IDLE_MS, ReadModel } from './readModel';
import { SnapshotBuffer, type ExportHook } from './snapshotBuffer';
import { hasTable, loadSqlJs } from './sqlJs';
import { flatRows, MULTI_ROWS, Statements, type Params, type Row } from './statements';
import {
  awaitPreloads,
  COMPACTION_STEPS,
  digestInSlices,
  FILES,
  fsyncDir,
  fsyncFile,
  fsyncInBackground,
  openGenerations,
  sealSnapshot,
  WRITE_STEP,
  writeSyncedInBackground,
} from './snapshots';

export type { Row } from './statements';

export interface StoreOptions {
  /** Directory for snapshot and journal; null keeps everything in memory only. */
  dir: string | null;
  log: Logger;
  /** Compact when the journal grows past this many bytes (with group commit: at the next quiet moment, or at twice this). */
  compactBytes?: number;
  /**
   * With group commit, a journal past `restBytes` (default: an eighth of `compactBytes`) is also
   * compacted, in the background, once no transaction has committed for `restMs` (real ms,
   * default 5,000): what a crash leaves for the next start to replay stays small after any rest.
   */
  restBytes?: number;
  restMs?: number;
  /**
   * Group commit: transactions of one event-loop turn share one journal record, written at the
   * end of the turn (setImmediate); callers acknowledge through `whenDurable`. Off by default:
   * then each transaction is written before `transaction()` returns.
   */
  groupCommit?: boolean;
  /** Pages a turn while a snapshot's database moves into memory (memoryDb.ts); tests make it small. */
  memoryCopyPages?: number;
  /**
   * Bytes of the journal's next pages kept written (zeros) ahead of its last line, in quiet time, a
   * slice a turn (journal.ts, `JournalWriter.writeAhead`): a burst's journal writes then overwrite
   * pages the OS holds. Default 0: none (the file then always ends with its last line).
   */
  writeAhead?: number;
}

/** 4 MB a turn: a few milliseconds, so a request arriving meanwhile hardly waits. */
const MEMORY_COPY_PAGES = 1024;
/** The journal's pages written ahead a quiet turn (`StoreOptions.writeAhead`): ~2 ms where a page's first touch is dear, ~0.3 ms elsewhere. */
const WRITE_AHEAD_SLICE = 1 << 20;
/** Real ms without a commit after which a journal past its resting bound is compacted (`StoreOptions.restMs`). */
const REST_MS = 5000;
/** The journal entry that ends a journal a compaction rotates (`markJournalEnd`). */
const COMPACTION_MARK = "INSERT INTO meta (key, value) VALUES ('compacted_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
/**
 * A clean stop compacts unless its journal holds at most this much (a start replays it in a few
 * ms): a stop after a compaction at rest keeps that snapshot (`close`).
 */
const CLOSE_KEEPS_BYTES = 64 * 1024;
/** Events indexed a quiet-time slice for the filtered reads' maps (EventLog.upkeep): ~5 µs each, ~20-40 ms a slice. */
const EVENT_UPKEEP_SLICE = 5000;

/**
 * A value kept per store beside SQLite (a repository's working copy or cache), made by `make` the
 * first time it is asked for that store; repositories are made per request, stores live on.
 */
export function perStore<T>(make: (store: Store) => T): (store: Store) => T {
  const values = new WeakMap<Store, T>();
  return (store) => {
    let v = values.get(store);
    if (v === undefined) values.set(store, (v = make(store)));
    return v;
  };
}

/** Called once the journal holds everything committed before `whenDurable`, or with why it cannot. */
export type DurableCallback = (err?: Error) => void;



export class Store implements UnitOfWork, QuietTime {
  private readonly statements: Statements;
  private pending: Op[] | null = null;
  private seq = 0;
  private closed = false;
  private groupCommit = false;
  /** Ops of committed transactions not yet in the journal (group commit only). */
  private unflushed: Op[] = [];
  /** Commits queued for the journal so far, and how many of them it holds (`commitMark`, `durable(upTo)`). */
  private commits = 0;
  private written = 0;
  private waiters: DurableCallback[] = [];
  private flushScheduled = false;
  /** The resting compaction's bound and wait (`StoreOptions.restBytes`, `restMs`). */
  private rest = { bytes: Infinity, ms: REST_MS };
  /** Bytes of the journal kept written ahead (`StoreOptions.writeAhead`); 0 once writing them failed. */
  private writeAheadBytes = 0;
  /** `whenQuiet`'s tasks (each with the quiet it waits for, real ms), its timer and when that fires. */
  private quiet = { tasks: new Map<() => boolean, number>(), timer: null as NodeJS.Timeout | null, due: Infinity };
  /**
   * A compaction whose snapshot is being written off the main thread (`compactInBackground`):
   * its data, and whether a compaction on the main thread finished it first.
   */
  private background: { data: Uint8Array; finished: boolean; done: Promise<void> } | null = null;
  /** What each snapshot's export is copied into, kept between compactions (snapshotBuffer.ts). */
  private readonly snapshotBuffer = new SnapshotBuffer();
  /** The events' snapshot chunks being written ahead of a compaction at rest (`writeEventsAhead`), and the events' version they are of. */
  private eventsAhead: {
    rows: ReturnType<typeof eventSnapshotRows>;
    version: number;
    done: boolean;
    /** The chunk the thread pool is deflating, written once it is done. */
    deflating: { row: EventSnapshotRow; text: DeflatingText } | null;
  } | null = null;
  /**
   * A background compaction rotated the journal but could not put its snapshot in place: the
   * store now needs the previous journal, so a snapshot goes in place (`seal`) before the next
   * rotation, as at an open after a crash.
   */
  private sealFirst = false;
  /** Set when a journal write failed: memory is ahead of the disk, so nothing more may commit. */
  private failed: Error | null = null;
  /** Rows of the read-model tables journaled but not yet in SQLite. */
  private readonly readModel: ReadModel;
  /** `afterCommit` callbacks of the open transaction. */
  private txnAfterCommit: (() => void)[] = [];
  /** `onRollback` callbacks of the open transaction. */
  private txnOnRollback: (() => void)[] = [];
  /**
   * Whether the open transaction has begun in SQLite: BEGIN runs before its first write, so a
   * transaction whose rows all wait in the read model (a send) never enters WebAssembly.
   */
  private begun = false;
  /** The snapshot's file database moving into memory (memoryDb.ts), a slice a turn, until done. */
  private memoryCopy: MemoryCopy | null = null;
  private memoryCopyTimer: NodeJS.Timeout | null = null;

  private constructor(
    private db: SqlJsDatabase,
    private readonly dir: string | null,
    private readonly journal: JournalWriter | null,
    private readonly log: Logger,
    private readonly compactBytes: number,
    /** The events read model (eventLog.ts): in memory, journaled with the transactions that change it. */
    readonly events: EventLog,
    /** The delivery queue (queueLog.ts): in memory, journaled the same way. */
    readonly queue: QueueLog,
  ) {
    this.statements = new Statements(db);
    // A snapshot's event chunks not read yet are read from the database the store uses now.
    events.setSource(chunkReader(() => this.db));
    this.readModel = new ReadModel({
      inTransaction: () => this.pending !== null,
      exec: (sql) => this.control(sql),
      run: (sql, params) => {
        if (this.pending) this.begin();
        this.statements.run(sql, params);
      },
      firstRow: (sql, params) => this.statements.firstValues(sql, params),
      multiRow: (head, width, n, values) => this.statements.multiRow(head, width, n, values),
      usable: () => !this.closed && !this.failed,
      log,
    });
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const SQL = await loadSqlJs();
    await awaitPreloads();
    const log = opts.log;
    let db: SqlJsDatabase;
    let journal: JournalWriter | null = null;
    let seq = 0;
    let fellBack = false;
    let needsPrevJournal = false;
    let events: EventLog;
    let queue: QueueLog;
    if (opts.dir) {
      fs.mkdirSync(opts.dir, { recursive: true });
      const prepare = (d: SqlJsDatabase) => {
        Store.pragmas(d);
        return prepareEvents(d);
      };
      const opened = openGenerations(SQL, opts.dir, prepare, (msg, fields) => log.warn(msg, fields));
      db = opened.db;
      events = opened.target.events;
      queue = opened.target.queue;
      seq = opened.seq;
      fellBack = opened.fellBack;
      needsPrevJournal = opened.needsPrevJournal;
      journal = new JournalWriter(path.join(opts.dir, FILES.journal));
      // A background compaction's snapshot left by a crash before it was put in place: never read.
      fs.rmSync(path.join(opts.dir, FILES.snapshotInBackground), { force: true, recursive: true });
      // Files a compaction replaced that a stop or crash left undeleted (`replaceFile`): never read either.
      for (const f of [FILES.prevJournal, FILES.prevSnapshot]) unlinkInBackground(discardedFile(path.join(opts.dir, f)));
      log.info('store opened', { dir: opts.dir, from: opened.source, snapshotSeq: opened.snapshotSeq, replayed: opened.replayed, aheadCut: opened.aheadCut });
    } else {
      db = memoryDatabase(SQL);
      Store.pragmas(db);
      ({ events, queue } = prepareEvents(db));
    }
    const compactBytes = opts.compactBytes ?? 64 * 1024 * 1024;
    const store = new Store(db, opts.dir, journal, log, compactBytes, events, queue);
    store.rest = { bytes: opts.restBytes ?? Math.floor(compactBytes / 8), ms: opts.restMs ?? REST_MS };
    // No more than half the compaction bound: a compaction cuts what is written ahead (a rotated journal ends with its last line).
    store.writeAheadBytes = journal ? Math.max(0, Math.min(opts.writeAhead ?? 0, Math.floor(compactBytes / 2))) : 0;
    store.seq = seq;
    store.migrate();
    // The snapshot's queue, or the rows an older journal left in SQLite, move into memory.
    queue.moveFromTable(db);
    const moved = moveLegacyEvents(db, events);
    if (fellBack && opts.dir) {
      // Keep the bad file for inspection; a good snapshot takes its place just below.
      fs.renameSync(path.join(opts.dir, FILES.snapshot), path.join(opts.dir, FILES.corrupt));
      fs.rmSync(path.join(opts.dir, `${FILES.snapshot}.sha256`), { force: true });
      log.warn('recovered from an unusable snapshot; it was kept as ' + FILES.corrupt, { seq: store.seq });
    }
    // Opened from a generation that needs the previous journal (a crash during a compaction, or
    // the fallback above): a snapshot goes in place before a compaction can rotate that journal
    // away (snapshots.ts, sealSnapshot).
    if (needsPrevJournal && opts.dir) {
      store.seal();
      log.info('snapshot put in place after an interrupted compaction or a fallback', { seq: store.seq });
    }
    // A data directory from before migration 007: its events move into memory, and a new
    // generation is written at once, so that its journal holds ops of the new kind only.
    if (moved && opts.dir) {
      store.compact();
      log.info('events moved into memory', { events: moved });
    }
    store.groupCommit = Boolean(opts.groupCommit && journal);
    if (opts.dir) store.moveIntoMemory(SQL, opts.memoryCopyPages ?? MEMORY_COPY_PAGES);
    // No compaction here: start-up stays fast; the journal keeps growing until compactBytes or a clean stop.
    return store;
  }

  private static pragmas(db: SqlJsDatabase): void {
    // The database is a memory file; durability comes from the journal, not SQLite's own.
    db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;');
  }

  private migrate(): void {
    const applied = new Set<number>();
    if (hasTable(this.db, 'schema_migrations')) for (const r of this.all('SELECT version FROM schema_migrations')) applied.add(Number(r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.transaction(() => {
        this.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
        for (const stmt of splitSql(m.sql)) this.run(stmt);
        this.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [m.version, m.name]);
      });
      this.log.info('migration applied', { version: m.version, name: m.name });
    }
    this.statements.forgetColumns();
  }

  /**
   * Copy the database into SQLite's memory a slice of pages a turn (never inside a transaction),
   * then use the copy: the same data, without sql.js's file under every page (memoryDb.ts).
   * Should anything fail, the store stays on its file database, which works the same.
   */
  private moveIntoMemory(SQL: SqlJsStatic, pages: number): void {
    const copy = MemoryCopy.start(SQL, this.db);
    if (!copy) return;
    this.memoryCopy = copy;
    const started = process.hrtime.bigint();
    const slice = () => {
      this.memoryCopyTimer = null;
      if (this.memoryCopy !== copy || this.closed) return;
      if (this.pending) return next();
      let done: boolean;
      try {
        done = copy.step(pages);
      } catch (err) {
        this.memoryCopy = null;
        this.log.warn('the store stays on its file database', { error: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (!done) return next();
      this.memoryCopy = null;
      const old = this.db;
      this.db = copy.target;
      registerEventFunctions(this.db, () => this.events);
      this.statements.rebind(this.db);
      Store.pragmas(this.db);
      old.close();
      this.log.debug('store moved into memory', { ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) });
    };
    const next = () => {
      this.memoryCopyTimer = setTimeout(slice, 0);
      this.memoryCopyTimer.unref();
    };
    next();
  }

  /**
   * Read a snapshot's events (left in its database at open, for the start-up budget) into memory a
   * chunk a turn from the next turn on, so that the first read need not read them all; a read
   * before the end reads the rest at once. The emulator calls it once it is ready.
   */
  warmUp(): void {
    const step = () => {
      if (this.closed) return;
      if (!this.events.hydrateSome()) return this.events.wantsUpkeep ? this.whenQuiet(this.eventUpkeep) : undefined;
      setTimeout(step, 0).unref();
    };
    setTimeout(step, 0).unref();
  }

  /** The events' quiet-time upkeep (EventLog.upkeep): their filtered reads' maps, a slice a turn (~20-40 ms). */
  private readonly eventUpkeep = (): boolean => this.events.upkeep(EVENT_UPKEEP_SLICE);

  /** Whether SQLite's pages are in memory yet, or still in sql.js's file (while being copied). */
  get backing(): 'memory' | 'file' {
    return (this.db.exec('PRAGMA database_list')[0]?.values[0]?.[2] ?? '') === '' ? 'memory' : 'file';
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
    this.txnAfterCommit = [];
    this.txnOnRollback = [];
    this.readModel.begin();
    this.events.begin();
    this.queue.begin();
    this.begun = false;
    let result: T;
    try {
      result = fn();
      if (this.journal && this.pending.length && !this.groupCommit) this.journal.append({ q: this.seq + 1, o: this.pending });
    } catch (err) {
      this.pending = null;
      if (this.begun) this.control('ROLLBACK');
      this.begun = false;
      this.readModel.rollback();
      this.events.rollback();
      this.queue.rollback();
      this.txnAfterCommit = [];
      const undo = this.txnOnRollback;
      this.txnOnRollback = [];
      for (const fn of undo) fn();
      throw err;
    }
    const ops = this.pending;
    this.pending = null;
    if (this.begun) this.control('COMMIT');
    this.begun = false;
    // Committed: first make sure the journal gets it, then nothing after may undo that.
    if (this.groupCommit) {
      if (ops.length) this.queueForJournal(ops);
    } else if (ops.length) this.seq++;
    this.readModel.commit();
    this.events.commit();
    if (this.events.wantsUpkeep) this.whenQuiet(this.eventUpkeep);
    this.queue.commit();
    const after = this.txnAfterCommit;
    this.txnAfterCommit = [];
    this.txnOnRollback = [];
    for (const fn of after) {
      try {
        fn();
      } catch (err) {
        this.log.error('after-commit callback failed', { error: err instanceof Error ? err.stack : String(err) });
      }
    }
    if (!this.groupCommit && this.journal && this.journal.size > this.compactBytes) this.compact();
    return result;
  }

  /**
   * BEGIN / COMMIT / ROLLBACK as cached prepared statements: `db.exec` parses its text again on
   * every call (~4 % of a send's CPU).
   */
  private control(sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): void {
    this.prepare(sql).run();
  }

  /** BEGIN the open transaction in SQLite, before its first write. */
  private begin(): void {
    if (this.begun) return;
    this.control('BEGIN');
    this.begun = true;
  }

  /** Whether a transaction is open (its writes may still roll back). */
  get inTransaction(): boolean {
    return this.pending !== null;
  }

  afterCommit(fn: () => void): void {
    if (this.pending) this.txnAfterCommit.push(fn);
    else fn();
  }

  /** Run `fn` if the open transaction rolls back (outside one: never). */
  onRollback(fn: () => void): void {
    if (this.pending) this.txnOnRollback.push(fn);
  }

  private queueForJournal(ops: Op[]): void {
    for (const op of ops) this.unflushed.push(op);
    this.commits++;
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

  /**
   * `whenDurable` as a promise (rejects when the write failed). `upTo` (a `commitMark`): resolves
   * at once if the journal holds every commit before that mark, whatever came after it (a batch's
   * POST waits for the batch, not for the record of the attempt before it: issue 13).
   */
  durable(upTo?: number): Promise<void> {
    if (upTo !== undefined && upTo <= this.written && !this.failed) return Promise.resolve();
    return new Promise((resolve, reject) => this.whenDurable((err) => (err ? reject(err) : resolve())));
  }

  /** A mark of the commits so far, for `durable(upTo)`. */
  commitMark(): number {
    return this.commits;
  }

  /** Write the turn's transactions as one journal record, then release whoever waits for them. */
  flush(compactIfLarge = true): void {
    this.flushScheduled = false;
    if (this.closed) return; // close() flushed already
    const waiters = this.waiters;
    this.waiters = [];
    const commits = this.commits;
    if (this.unflushed.length && !this.failed && this.appendEntry(this.unflushed)) {
      this.unflushed = [];
      this.written = commits;
    }
    // An answer waited for this write (a request's, an attempt's): the client's next request is
    // likely on its way, so quiet time starts over from here, not from the commit before it.
    // (Quiet-time tasks' own commits wait for no one: their slices follow one another.)
    if (waiters.length) this.active();
    for (const w of waiters) {
      try {
        w(this.failed ?? undefined);
      } catch (err) {
        this.log.error('durability callback failed', { error: err instanceof Error ? err.stack : String(err) });
      }
    }
    if (compactIfLarge && !this.failed && this.journal) {
      // A compaction holds the process up for a while (the snapshot's export on this thread; its
      // write, fsync and digest off it): it waits for a quiet moment rather than stall a run of
      // work (a webhook's batches going out one after another), unless the journal has grown to
      // twice the bound, when it starts at once, in the background as well (on this thread, its
      // write, fsync and digest took as long again as the export). Below the bound, a longer rest
      // compacts it too: a crash then leaves little journal to replay. (A wait for a shorter
      // quiet, the journal past its bound, replaces a resting one.)
      if (this.journal.size > 2 * this.compactBytes) this.compactInBackground().catch(() => undefined); // logged there
      else if (this.journal.size > this.compactBytes) this.whenQuiet(this.compactAtRest, IDLE_MS);
      else if (this.journal.size > this.rest.bytes) this.whenQuiet(this.compactAtRest, this.rest.ms);
      this.writeAheadLater();
    }
  }

  /** A compaction's rotation of the journal (`sync`: its fsync here); the new one is written ahead in the next quiet time. */
  private rotateJournal(journal: JournalWriter, prevFile: string, sync: boolean): void {
    journal.rotate(prevFile, { sync });
    this.writeAheadLater();
  }

  /** Once less than half is left written ahead of the journal's last line (a write, a rotation): the rest in the next quiet time. */
  private writeAheadLater(): void {
    if (this.journal && this.journal.ahead < this.writeAheadBytes / 2) this.whenQuiet(this.writeAhead);
  }

  /**
   * The quiet-time slice of the journal's pages written ahead (`StoreOptions.writeAhead`); true
   * while more are wanted. A failed write (a full disk) ends it for good: the journal's own writes
   * need no pages written ahead, and its lines overwrite what a partial write left.
   */
  private readonly writeAhead = (): boolean => {
    if (!this.journal || this.failed || this.closed || !this.writeAheadBytes) return false;
    try {
      return this.journal.writeAhead(this.writeAheadBytes, WRITE_AHEAD_SLICE);
    } catch (err) {
      this.writeAheadBytes = 0;
      this.log.warn('writing the journal ahead failed; it is no longer written ahead', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  };

  /**
   * The quiet-time compaction: in the background, if the journal is still past its resting bound.
   * The events' snapshot chunks go into SQLite first, deflated, one a quiet turn
   * (`eventsAhead`), so that the turn that takes the snapshot holds the process for its export
   * alone: with 100,000 events in memory, ~400 ms with their chunks, ~250 ms without.
   */
  private readonly compactAtRest = (): boolean => {
    if (!this.journal || this.journal.size <= this.rest.bytes || this.background || this.failed) {
      this.eventsAhead = null;
      return false;
    }
    if (this.writeEventsAhead()) return true;
    this.compactInBackground().catch(() => undefined); // logged there
    return false;
  };

  /**
   * Write the next of the events' snapshot chunks into SQLite (begun again if the events changed
   * since the first: their chunks would no longer be theirs); false once all are in.
   */
  private writeEventsAhead(): boolean {
    if (!hasTable(this.db, 'event_store')) return false;
    let ahead = this.eventsAhead;
    if (!ahead || ahead.version !== this.events.version) {
      ahead = this.eventsAhead = { rows: eventSnapshotRows(this.events), version: this.events.version, done: false, deflating: null };
    }
    // A turn writes the chunk the thread pool has deflated (deflatedText.ts) and gives it the next.
    for (;;) {
      const d = ahead.deflating;
      if (d) {
        if (d.text.deflating()) return true; // still in the thread pool: a later turn looks again
        ahead.deflating = null;
        this.writeSnapshotRow(d.row, d.text);
      }
      const next = ahead.rows.next();
      if (next.done) {
        ahead.done = true;
        return false;
      }
      const row = next.value;
      const text = deflatingOf(row);
      if (!text) {
        this.writeSnapshotRow(row, null);
        continue;
      }
      ahead.deflating = { row, text };
      void text.deflating();
      return true;
    }
  }

  /** One of the events' snapshot rows: a chunk as its deflated bytes once `text` has them, else as it is. */
  private writeSnapshotRow(row: EventSnapshotRow, text: DeflatingText | null): void {
    const bytes = text?.ready();
    if (bytes) this.statements.run(row.deflated!, [...row.params.slice(0, -1), bytes]);
    else this.statements.run(row.sql, row.params);
  }

  /** No more quiet-time work: what waits for quiet is dropped. */
  private stopQuietWork(): void {
    if (this.quiet.timer) clearTimeout(this.quiet.timer);
    this.quiet.timer = null;
    this.quiet.tasks.clear();
  }

  /**
   * Something arrived that will likely commit soon (an HTTP request): quiet time, the read model's
   * writes included, starts over from now, as after a commit. A replay's 20,000 lines (~6 MB) take
   * tens of ms to arrive and commit only after: a quiet-time slice that started meanwhile held them
   * up (issue 13).
   */
  active(): void {
    this.readModel.lastCommit = performance.now();
  }

  /** `quietMs`: the quiet it waits for (default IDLE_MS); a task already waiting keeps the shorter of its two. */
  whenQuiet(task: () => boolean, quietMs = IDLE_MS): void {
    if (this.closed) return;
    const waiting = this.quiet.tasks.get(task);
    if (waiting !== undefined && waiting <= quietMs) return;
    this.quiet.tasks.set(task, quietMs);
    this.armQuiet(Math.max(0, quietMs - this.readModel.quietMs()));
  }

  /** Fire the timer in `delay` ms, unless it fires sooner already. */
  private armQuiet(delay: number): void {
    const due = performance.now() + delay;
    if (this.quiet.timer) {
      if (this.quiet.due <= due) return; // it looks again when it fires
      clearTimeout(this.quiet.timer);
    }
    this.quiet.due = due;
    this.quiet.timer = setTimeout(() => this.quietTurn(), delay);
    this.quiet.timer.unref();
  }

  /**
   * A slice of each quiet task whose quiet has come: no transaction committed for as long as it
   * waits. Their own commits are no activity: the quiet goes on for the next slice, the other
   * tasks and the read model's writes.
   */
  private quietTurn(): void {
    this.quiet.timer = null;
    if (this.closed || this.failed) return this.quiet.tasks.clear();
    const quiet = this.readModel.quietMs();
    const lastCommit = this.readModel.lastCommit;
    let next = Infinity;
    for (const [task, wants] of [...this.quiet.tasks]) {
      if (quiet < wants) {
        next = Math.min(next, wants - quiet);
        continue;
      }
      let more = false;
      try {
        more = task();
      } catch (err) {
        this.log.error('quiet-time work failed', { error: err instanceof Error ? err.message : String(err) });
      }
      if (more) next = 0;
      else this.quiet.tasks.delete(task);
    }
    this.readModel.lastCommit = lastCommit;
    if (next < Infinity) this.armQuiet(next);
  }

  /**
   * A compaction whose snapshot is written, fsynced and digested off the main thread; resolves
   * once it is in place (or the compaction gave up: the journals still hold everything). The main
   * thread takes the snapshot's data and rotates the journal at once (`COMPACTION_STEPS`' first
   * step): commits made meanwhile go to the new journal, after the snapshot's sequence number.
   * A compaction on the main thread meanwhile (at close) finishes this one first
   * (`finishBackground`).
   */
  compactInBackground(): Promise<void> {
    if (this.background) return this.background.done;
    if (!this.dir || !this.journal || this.failed) return Promise.resolve();
    const started = process.hrtime.bigint();
    const dir = this.dir;
    const journal = this.journal;
    const prevJournal = path.join(dir, FILES.prevJournal);
    let data: Uint8Array | null = null;
    try {
      this.sealIfNeeded();
      data = this.exportSnapshot();
      if (!data) return Promise.resolve();
      this.rotateJournal(journal, prevJournal, false);
    } catch (err) {
      this.snapshotBuffer.giveBack(data);
      // The journal still holds everything; a later flush tries again.
      this.log.error('compaction failed', { error: err instanceof Error ? err.message : String(err) });
      return Promise.resolve();
    }
    const tmp = path.join(dir, FILES.snapshotInBackground);
    const job = { data, finished: false, done: Promise.resolve() };
    const mainMs = Number(process.hrtime.bigint() - started) / 1e6;
    job.done = (async () => {
      try {
        let digest: string;
        try {
          [, digest] = await Promise.all([writeSyncedInBackground(tmp, data), digestInSlices(data), fsyncInBackground(prevJournal)]);
        } catch (err) {
          if (!job.finished) this.backgroundFailed(job, err);
          dropFile(tmp);
          return;
        }
        if (job.finished || this.background !== job) {
          dropFile(tmp); // finished on the main thread meanwhile
          return;
        }
        this.background = null;
        try {
          fs.renameSync(tmp, path.join(dir, FILES.nextSnapshot));
          const ctx = { dir, data, digest, rotateJournal: () => undefined };
          for (const step of COMPACTION_STEPS.slice(WRITE_STEP + 1)) step(ctx);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          this.log.debug('store compacted', { bytes: data.length, mainThreadMs: Math.round(mainMs), ms: Math.round(ms) });
        } catch (err) {
          this.backgroundFailed(job, err);
        }
      } finally {
        // Nothing reads the data any more (a main-thread finish, finishBackground, used it at once).
        this.snapshotBuffer.giveBack(data);
      }
    })();
    this.background = job;
    return job.done;
  }

  /** Before a rotation: a snapshot in place first if the store still needs the previous journal (`sealFirst`). */
  private sealIfNeeded(): void {
    if (!this.sealFirst) return;
    this.seal();
    this.sealFirst = false;
  }

  private backgroundFailed(job: NonNullable<Store['background']>, err: unknown): void {
    if (this.background === job) this.background = null;
    this.sealFirst = true;
    this.log.error('compaction failed', { error: err instanceof Error ? err.message : String(err) });
  }

  /**
   * Put a background compaction's snapshot in place now, on the main thread (its write may still be
   * going on, to another file: that one is dropped when it ends). Before any other rotation: the
   * journal it rotated holds what the snapshot in place still needs.
   */
  private finishBackground(): void {
    const job = this.background;
    if (!job || !this.dir) return;
    this.background = null;
    job.finished = true;
    fsyncFile(path.join(this.dir, FILES.prevJournal)); // the rotated journal's fsync, which its rotation left to the background
    fsyncDir(this.dir);
    const ctx = { dir: this.dir, data: job.data, rotateJournal: () => undefined };
    for (const step of COMPACTION_STEPS.slice(WRITE_STEP)) step(ctx);
  }

  /** A write. Outside a transaction it is a transaction of its own. */
  run(sql: string, params: Params = []): number {
    if (!this.pending) return this.transaction(() => this.run(sql, params));
    this.apply(sql, params);
    return this.db.getRowsModified();
  }

  /**
   * An INSERT of one row: journaled like `run`; returns the new rowid. Cheaper than `RETURNING id`,
   * which makes SQLite collect the returned rows in a temporary table first.
   */
  insert(sql: string, params: Params = []): number {
    if (!this.pending) return this.transaction(() => this.insert(sql, params));
    this.apply(sql, params);
    return this.lastRowid();
  }

  private lastRowid(): number {
    return this.statements.lastRowid();
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
      last = this.insert(this.statements.multiRow(head, width, n), flatRows(rows, i, n, width));
    }
    return last;
  }

  /**
   * An INSERT of one row that runs as `sql` in memory but is journaled as `journal`, a statement
   * that makes the same row from what the journal already holds (e.g. a batch body from its events'
   * rows, instead of the body's bytes a second time). The caller vouches that both make the same
   * row on the same state. Returns the new rowid.
   */
  insertAs(sql: string, params: Params, journal: Op): number {
    if (!this.pending) return this.transaction(() => this.insertAs(sql, params, journal));
    this.apply(sql, params, journal);
    return this.lastRowid();
  }

  /** A write with `RETURNING`: journaled like `run`, returns the rows. */
  write(sql: string, params: Params = []): Row[] {
    if (!this.pending) return this.transaction(() => this.write(sql, params));
    this.barrier(sql);
    this.begin();
    const rows = this.statements.all(sql, params);
    this.pending.push([sql, params]);
    return rows;
  }

  all<T = Row>(sql: string, params: Params = []): T[] {
    return this.query(sql, params) as T[];
  }

  get<T = Row>(sql: string, params: Params = []): T | undefined {
    this.barrier(sql);
    return this.statements.first(sql, params) as T | undefined;
  }

  /**
   * A read that needs the waiting rows of only `tables` in SQLite (undefined: those it names): the
   * caller vouches that the others cannot change its answer (see `runBeside`).
   */
  allBeside<T = Row>(tables: readonly DeferredTable[] | undefined, sql: string, params: Params = []): T[] {
    this.barrier(sql, tables);
    return this.statements.all(sql, params) as T[];
  }

  private query(sql: string, params: Params): Row[] {
    this.barrier(sql);
    return this.statements.all(sql, params);
  }

  // ---- the events (eventLog.ts)

  /** `n` consecutive new event ids; returns the first. Rolled back with the transaction. */
  reserveEventIds(n: number): number {
    if (!this.pending) throw new Error('reserveEventIds needs a transaction');
    return this.events.reserve(n);
  }

  /**
   * Record events (ids from `reserveEventIds`: consecutive, ascending): in memory at once, journaled
   * with the transaction, by column (`EVENT_OPS.columns`). `scheduled`: the `scheduled_events` rows the events are the payloads of (same
   * order, same text, still there), journaled as such rather than with their text again; their
   * ids must then be consecutive, with one recording time for all.
   */
  insertEvents(rows: NewEventRow[], scheduled?: readonly number[]): void {
    if (!rows.length) return;
    if (!this.pending) return this.transaction(() => this.insertEvents(rows, scheduled));
    if (scheduled && (scheduled.length !== rows.length || rows.some((r, i) => r.id !== rows[0].id + i || r.recordedAt !== rows[0].recordedAt))) {
      throw new Error('events recorded from scheduled rows need consecutive ids, one time, one row each');
    }
    this.events.add(rows);
    this.pending.push(scheduled ? [EVENT_OPS.due, [rows[0].id, rows[0].recordedAt, ...scheduled]] : [EVENT_OPS.columns, EventLog.columnParams(rows)]);
  }

  /** Queue events for webhooks (in order); returns the first queue id (the rest follow on). */
  enqueue(entries: readonly { webhookId: number; eventRowId: number }[], queuedAt: number): number {
    if (!this.pending) return this.transaction(() => this.enqueue(entries, queuedAt));
    const { first, params } = this.queue.add(entries, queuedAt);
    if (entries.length) this.pending.push([QUEUE_OPS.add, params]);
    return first;
  }

  /** The webhook's queued events up to queue id `lastId` (its oldest) leave the queue. */
  dequeue(webhookId: number, lastId: number): void {
    if (!this.pending) return this.transaction(() => this.dequeue(webhookId, lastId));
    this.queue.take(webhookId, lastId);
    this.pending.push([QUEUE_OPS.take, [webhookId, lastId]]);
  }

  /** Every queued event of the webhook leaves the queue; returns how many. */
  clearQueue(webhookId: number): number {
    if (!this.pending) return this.transaction(() => this.clearQueue(webhookId));
    const n = this.queue.clear(webhookId);
    if (n) this.pending.push([QUEUE_OPS.clear, [webhookId]]);
    return n;
  }

  /** Delete events by id (ascending); returns how many there were. */
  deleteEvents(ids: number[]): number {
    if (!ids.length) return 0;
    if (!this.pending) return this.transaction(() => this.deleteEvents(ids));
    const n = this.events.delete(ids);
    this.pending.push([EVENT_OPS.delete, EventLog.deleteParams(ids)]);
    return n;
  }

  // ---- the read-model tables (readModel.ts): thin doors for the repositories

  /** `n` consecutive new ids of an explicit-id deferred table; returns the first. Rolled back with the transaction. */
  reserveIds(table: DeferredTable, n: number): number {
    if (!this.pending) throw new Error('reserveIds needs a transaction');
    return this.readModel.reserveIds(table, n);
  }

  /**
   * Rows of a read-model table, in its `DEFERRED[table].head` column order: journaled now as
   * multi-row INSERTs (the same statements an immediate insert journals), written into SQLite
   * later (before anything names the table).
   */
  deferInsert(table: DeferredTable, rows: SqlValue[][]): void {
    if (!rows.length) return;
    if (!this.pending) return this.transaction(() => this.deferInsert(table, rows));
    for (const op of this.readModel.defer(table, rows)) this.pending.push(op);
  }

  /**
   * Rows of a read-model table that the caller journals with `journal` (ops that make the same
   * rows at replay), written into SQLite later like `deferInsert`'s.
   */
  deferInsertAs(table: DeferredTable, rows: SqlValue[][], journal: Op[]): void {
    if (!rows.length) return;
    if (!this.pending) return this.transaction(() => this.deferInsertAs(table, rows, journal));
    this.readModel.hold(table, rows);
    for (const op of journal) this.pending.push(op);
  }

  /**
   * DELETE rows of a deferred table by id: those still waiting are dropped in memory; `sql` runs
   * for those already in SQLite and is journaled. `sql` must delete exactly the rows `ids` name
   * (the caller's working copy knows them). Explicit-id tables only.
   */
  deleteDeferred(table: DeferredTable, ids: readonly number[], sql: string, params: Params): void {
    if (!this.pending) return this.transaction(() => this.deleteDeferred(table, ids, sql, params));
    // Every row still waiting (the usual case: a lifecycle's schedule rows go before anything
    // writes them): SQLite holds none of them, so the statement would delete nothing there. It is
    // journaled all the same, for a replay that has them in SQLite.
    if (this.readModel.drop(table, ids) === ids.length) this.pending.push([sql, params]);
    else this.apply(sql, params, [sql, params], []);
  }

  /**
   * A write that names deferred tables but needs the waiting rows of only `tables` in SQLite: the
   * caller vouches that the others' waiting rows cannot change what it does, here and when the
   * journal replays it with every row in SQLite (e.g. a bound that leaves out every row they name).
   */
  runBeside(tables: readonly DeferredTable[] | undefined, sql: string, params: Params): number {
    if (!this.pending) return this.transaction(() => this.runBeside(tables, sql, params));
    this.apply(sql, params, [sql, params], tables);
    return this.db.getRowsModified();
  }

  /** COUNT(*) of a deferred table, waiting rows included, without writing them into SQLite. */
  countRows(table: DeferredTable): number {
    return Number(this.statements.firstValues(`SELECT COUNT(*) FROM ${table}`)?.[0] ?? 0) + this.readModel.waiting(table);
  }

  /** Rows waiting to be written into SQLite (for tests and logs). */
  get deferredRows(): number {
    return this.readModel.size;
  }

  /** Column `index` (in `DEFERRED[table].head` order) of every row of `table` still waiting to go into SQLite. */
  waitingValues(table: DeferredTable, index: number): SqlValue[] {
    return this.readModel.waitingValues(table, index);
  }

  /**
   * The rows of `table` still waiting to go into SQLite, in the order they wait, which is the order
   * they go in: oldest first (every row in SQLite went in before them).
   */
  waitingRowList(table: DeferredTable): readonly SqlValue[][] {
    return this.readModel.waitingRowList(table);
  }

  /** Rows of `table` waiting to be written into SQLite (for tests and retention). */
  waitingRows(table: DeferredTable): number {
    return this.readModel.waiting(table);
  }

  /** Before a statement: write the waiting rows of `tables` (by default, the deferred tables it names). */
  private barrier(sql: string, tables?: readonly DeferredTable[]): void {
    if (!this.readModel.size) return;
    const named = tables ?? deferredTablesIn(sql);
    if (named.length) this.readModel.materialize(Infinity, named);
  }

  /**
   * A write inside the open transaction: the waiting rows it needs into SQLite first (`tables`, by
   * default those it names), BEGIN if it is the transaction's first write, then run it and journal
   * `journal` for it.
   */
  private apply(sql: string, params: Params, journal: Op = [sql, params], tables?: readonly DeferredTable[]): void {
    this.barrier(sql, tables);
    this.begin();
    this.statements.run(sql, params);
    this.pending!.push(journal);
  }

  private prepare(sql: string): Statement {
    return this.statements.prepare(sql);
  }

  /**
   * Write a new snapshot generation and rotate the journal. `steps` is for crash tests only: run
   * just the first `steps` compaction steps, as if the process died right after them.
   */
  compact(steps = COMPACTION_STEPS.length): void {
    if (!this.dir || !this.journal || this.failed) return;
    this.finishBackground();
    this.sealIfNeeded();
    const started = process.hrtime.bigint();
    const data = this.exportSnapshot();
    if (!data) return;
    const dir = this.dir;
    const journal = this.journal;
    const ctx = { dir, data, rotateJournal: () => this.rotateJournal(journal, path.join(dir, FILES.prevJournal), true) };
    try {
      for (const step of COMPACTION_STEPS.slice(0, steps)) step(ctx);
    } finally {
      this.snapshotBuffer.giveBack(data);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.log.debug('store compacted', { bytes: data.length, seq: this.seq, ms: Math.round(ms) });
  }

  /**
   * Put a snapshot of the current state in place as the newest generation, without rotating the
   * journals or touching the previous generation (`sealSnapshot`): what a store opened from a
   * generation that needs the previous journal (after a crash during a compaction) does first,
   * so that its next compaction cannot rotate that journal away while it is still needed.
   */
  private seal(): void {
    if (!this.dir || !this.journal || this.failed) return;
    const data = this.exportSnapshot();
    if (!data) return;
    try {
      sealSnapshot(this.dir, data);
    } finally {
      this.snapshotBuffer.giveBack(data);
    }
  }

  /**
   * A short last entry for the journal a compaction is about to rotate: a start reads a rotated
   * journal's last line back from its end (journal.ts, `lastEntrySeq`) to tell whether it holds
   * anything past the snapshot, and a burst's last record can be megabytes (an 8 MB line took ~60
   * ms of a start). The entry writes the sequence number it has into `meta`, as a replay does.
   */
  private markJournalEnd(): void {
    const params = [String(this.seq + 1)];
    if (this.appendEntry([[COMPACTION_MARK, params]])) this.db.run(COMPACTION_MARK, params);
  }

  /** One journal entry of `ops`, the next sequence number; false (the store failed) if there is no journal or the write failed. */
  private appendEntry(ops: Op[]): boolean {
    if (!this.journal) return false;
    try {
      this.journal.append({ q: this.seq + 1, o: ops });
      this.seq++;
      return true;
    } catch (err) {
      this.failed = err instanceof Error ? err : new Error(String(err));
      this.log.error('journal write failed; no further change will be accepted', { error: this.failed.message });
      return false;
    }
  }

  /** The database's bytes with every committed change, the events and the queue; null if the journal failed. */
  private exportSnapshot(): Uint8Array | null {
    // The snapshot will hold every committed change: journal the pending ones first (a turn's record
    // still unwritten under group commit, e.g. when a quiet-time compaction's timer runs before the
    // turn's flush), so that their record is not replayed on top of a snapshot that already has them.
    if (this.unflushed.length) this.flush(false);
    if (this.failed) return null;
    this.markJournalEnd();
    if (this.failed) return null;
    this.readModel.materialize();
    this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [
      String(this.seq),
    ]);
    // The events go into the snapshot (eventSnapshot.ts), and only there.
    // (Not before migration 007 has made its table: then there is no event in memory either.)
    const withEvents = hasTable(this.db, 'event_store');
    let data: Uint8Array;
    try {
      // Unless quiet time wrote them all already (compactAtRest), from the events as they still are.
      const ahead = this.eventsAhead;
      this.eventsAhead = null;
      const written = ahead !== null && ahead.done && ahead.version === this.events.version;
      if (withEvents && !written) for (const { sql, params } of eventSnapshotRows(this.events)) this.statements.run(sql, params);
      for (const { sql, params } of this.queue.snapshotRows()) this.statements.run(sql, params);
      // export() frees every prepared statement; drop our cache with them.
      this.statements.freeAll();
      data = this.snapshotBuffer.exporting(this.db as ExportHook, () => this.db.export());
    } finally {
      if (withEvents) clearEventSnapshot(this.db, this.events);
      QueueLog.clearSnapshot(this.db);
    }
    Store.pragmas(this.db);
    return data;
  }

  /** Whether `close` compacts: more than a little committed since the newest snapshot, or a compaction unfinished. */
  private closeCompacts(): boolean {
    return !!this.journal && (this.journal.size > CLOSE_KEEPS_BYTES || !!this.background || this.sealFirst);
  }

  /**
   * Before a clean stop (issue 13, start-up): when `close` will compact, the events' snapshot
   * chunks deflated on the thread pool, all at once, and written into SQLite ahead of its export,
   * as a compaction at rest writes them a quiet turn at a time. A stop right after a burst wrote
   * them as text: after 100,000 replayed events a 32 MB snapshot instead of ~6 MB, which the next
   * start read and digested whole before its ready line. Nothing here is durable before the close's
   * export; events changed meanwhile are written again there, as they are then.
   */
  async prepareClose(): Promise<void> {
    if (this.closed || this.failed || this.background) return;
    if (this.unflushed.length || this.waiters.length) this.flush(false);
    if (this.failed || !this.closeCompacts() || !hasTable(this.db, 'event_store')) return;
    // No quiet-time work meanwhile: its compaction at rest would write the same chunks a turn at a time.
    this.stopQuietWork();
    this.eventsAhead = null;
    const version = this.events.version;
    const rows = [...eventSnapshotRows(this.events)];
    const texts = rows.map(deflatingOf);
    await Promise.all(texts.map((t) => t?.deflating()));
    if (this.closed || this.failed || this.background || this.events.version !== version) return;
    try {
      for (let i = 0; i < rows.length; i++) this.writeSnapshotRow(rows[i], texts[i]);
      this.eventsAhead = { rows: ([] as EventSnapshotRow[]).values(), version, done: true, deflating: null };
    } catch (err) {
      // The export writes them all again (its rows begin by clearing the chunks), as text.
      this.log.error('events not written ahead of the stop', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  close(): void {
    if (this.closed) return;
    if (this.memoryCopyTimer) clearTimeout(this.memoryCopyTimer);
    this.memoryCopyTimer = null;
    this.stopQuietWork();
    this.memoryCopy?.abandon();
    this.memoryCopy = null;
    if (this.unflushed.length || this.waiters.length) this.flush(false);
    this.readModel.stopIdle();
    if (!this.failed) this.readModel.materialize();
    if (this.journal) {
      // Little committed since the newest snapshot (a compaction at rest, then the clock's time at
      // the stop, or a few sends): it stays as it is, with its chunks of events deflated ahead (a
      // compaction now would write them as text), and the next start replays that little journal,
      // as after a kill -9 now.
      if (this.closeCompacts()) this.compact();
      this.journal.close();
    }
    this.statements.freeAll();
    this.db.close();
    this.closed = true;
  }
}

/** A chunk's text (its last param) to deflate on the thread pool; null for any other snapshot row. */
const deflatingOf = (row: EventSnapshotRow): DeflatingText | null => (row.deflated ? new DeflatingText(row.params[row.params.length - 1] as Buffer) : null);

/** Remove a file if it is there; a failure only leaves it for the next open to remove. */
function dropFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // removed at the next open
  }
}

/** Split a migration into statements (migrations hold no semicolons inside literals). */
function splitSql(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
