/**
 * SQLite's own in-memory database under sql.js (issue 13).
 *
 * sql.js opens every database as a file in Emscripten's in-memory file system (MEMFS): each page
 * SQLite writes at a commit (or spills from its 2 MB cache) is copied into that file by
 * JavaScript, page by page, and read back the same way. That was ~7 % of the delivery engine's
 * CPU (profiled). A `:memory:` database keeps its pages in SQLite's page cache and does no file
 * I/O at all; inserting a row costs ~15 % less, exporting it ~25 % less (measured on the events
 * table). Durability never came from that file: it comes from the journal and the snapshots.
 *
 * sql.js has no door for it: its constructor always opens a file. It calls the exported
 * `_sqlite3_open` through `cwrap`, which looks the function up at each call, so `memoryDatabase`
 * has that one call open `:memory:` instead, then checks that it got an in-memory database; on
 * any other sql.js it falls back to the file database, which behaves the same, only slower.
 * `export()` already uses the backup API and works unchanged.
 *
 * A snapshot is still opened as sql.js opens it, as a file (instant: copying 54 MB into memory at
 * once took 40–130 ms, a third of the start-up budget), and `MemoryCopy` moves it into memory a
 * slice at a time after the store is open.
 */
import type { Database, SqlJsStatic } from 'sql.js';

/** What sql.js 1.16 exports beyond its typings. */
interface Exports {
  _sqlite3_open?: (filename: number, ppDb: number) => number;
  _sqlite3_backup_init?: (dest: number, destName: number, source: number, sourceName: number) => number;
  _sqlite3_backup_step?: (backup: number, pages: number) => number;
  _sqlite3_backup_finish?: (backup: number) => number;
  stringToNewUTF8?: (s: string) => number;
}

const SQLITE_OK = 0;
const SQLITE_DONE = 101;
/** `:memory:` and `main` as C strings, once per sql.js instance (never freed: a few bytes). */
const names = new WeakMap<SqlJsStatic, { memory: number; main: number }>();

/** The sqlite3* handle of a sql.js database (its `db` field). */
const handle = (db: Database): number => (db as unknown as { db: number }).db;

/** An empty in-memory database, or null when this sql.js does not take the door. */
function openMemory(SQL: SqlJsStatic): Database | null {
  const x = SQL as unknown as Exports;
  const open = x._sqlite3_open;
  if (!open || !x.stringToNewUTF8) return null;
  const memory = namesOf(SQL).memory;
  let db: Database;
  x._sqlite3_open = (_filename, ppDb) => open(memory, ppDb);
  try {
    db = new SQL.Database();
  } finally {
    x._sqlite3_open = open;
  }
  // `file` is '' for an in-memory database; anything else means this sql.js did not take the door.
  const file = db.exec('PRAGMA database_list')[0]?.values[0]?.[2];
  if (file !== '') {
    db.close();
    return null;
  }
  // sql.js's close() removes the database's file after closing it; an in-memory one has none.
  const close = db.close.bind(db);
  db.close = () => {
    try {
      close();
    } catch (err) {
      if ((err as { name?: string }).name !== 'ErrnoError') throw err;
      (db as unknown as { db: number | null }).db = null;
    }
  };
  return db;
}

function namesOf(SQL: SqlJsStatic): { memory: number; main: number } {
  const x = SQL as unknown as Exports;
  let n = names.get(SQL);
  if (!n) names.set(SQL, (n = { memory: x.stringToNewUTF8!(':memory:'), main: x.stringToNewUTF8!('main') }));
  return n;
}

/** An empty in-memory database (a file database on a sql.js without the door). */
export function memoryDatabase(SQL: SqlJsStatic): Database {
  return openMemory(SQL) ?? new SQL.Database();
}

/**
 * Copies a (file) database into a new in-memory one a slice of pages at a time, with SQLite's
 * backup API, while the source stays in use: SQLite keeps the copy up to date with every later
 * write through the same connection (the store's only one), so once `step` says done, the
 * in-memory database equals the source and can take its place. No step may run inside a write
 * transaction (the store steps only between turns).
 */
export class MemoryCopy {
  private constructor(
    private readonly SQL: SqlJsStatic,
    readonly target: Database,
    private backup: number,
  ) {}

  /** Null when this sql.js has no door to an in-memory database (the store stays on its file). */
  static start(SQL: SqlJsStatic, source: Database): MemoryCopy | null {
    const x = SQL as unknown as Exports;
    if (!x._sqlite3_backup_init || !x._sqlite3_backup_step || !x._sqlite3_backup_finish) return null;
    const target = openMemory(SQL);
    if (!target) return null;
    const main = namesOf(SQL).main;
    const backup = x._sqlite3_backup_init(handle(target), main, handle(source), main);
    if (!backup) {
      target.close();
      return null;
    }
    return new MemoryCopy(SQL, target, backup);
  }

  /** Copy up to `pages` more pages; true once the copy is complete (the target is then ready). */
  step(pages: number): boolean {
    const x = this.SQL as unknown as Required<Exports>;
    const rc = x._sqlite3_backup_step(this.backup, pages);
    if (rc === SQLITE_DONE) {
      this.finish();
      return true;
    }
    if (rc !== SQLITE_OK) {
      this.abandon();
      throw new Error(`copying the database into memory failed (SQLite code ${rc})`);
    }
    return false;
  }

  /** Stop copying and drop the copy. */
  abandon(): void {
    this.finish();
    this.target.close();
  }

  private finish(): void {
    if (!this.backup) return;
    (this.SQL as unknown as Required<Exports>)._sqlite3_backup_finish(this.backup);
    this.backup = 0;
  }
}
