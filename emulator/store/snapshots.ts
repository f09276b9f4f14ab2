/**
 * Snapshot generations: the store keeps two snapshots and the journals that bring each of them up
 * to date, so that a torn or corrupt snapshot falls back to the previous one without losing an
 * acknowledged transaction.
 *
 *   store.sqlite       (seq N)  + journal.log       (N+1 …)
 *   store.prev.sqlite  (seq P)  + journal.prev.log  (P+1 … N) + journal.log
 *
 * Each snapshot has a `.sha256` digest beside it. A snapshot is rejected when its digest does not
 * match, its SQLite header disagrees with its length (a truncated write), `PRAGMA quick_check`
 * fails, or it has no sequence number. A candidate is usable only if the journals continue it
 * without a gap up to the newest entry on disk. Candidates are tried newest first, then the empty
 * database (for a store whose journal still starts at 1). journal.prev.log is read whole only for
 * a candidate it could continue: its last line (read from the end) tells when none of it can.
 *
 * Compaction is the sequence of `COMPACTION_STEPS`; a crash between any two of them leaves at least
 * one usable candidate (unit-tested step by step). A stale digest can only make a good snapshot
 * look bad, never the reverse, and only at moments when the other generation is usable.
 *
 * After such a crash the generation that opens may need journal.prev.log (the new snapshot was not
 * in place yet, or the journal had been rotated under the old one). The next compaction would
 * rotate that journal away, and a second crash before its new snapshot is in place would then
 * leave no usable candidate (found by the crash harness). So a store opened that way first puts a
 * snapshot in place without rotating anything (`sealSnapshot`); the pairs of crashes are
 * unit-tested too.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { lastEntrySeq, readJournal, type JournalEntry } from './journal';
import { memoryDatabase } from './memoryDb';
import { replaceFile } from './replaceFile';
import { SNAPSHOT_FILE, takeSnapshotPreloads, type PreloadedSnapshot } from './snapshotPreload';

export const FILES = {
  snapshot: SNAPSHOT_FILE,
  /** The next snapshot, written and fsynced before it is renamed into place. */
  nextSnapshot: `${SNAPSHOT_FILE}.next`,
  /** A snapshot a background compaction is writing (Store.compactInBackground); a crash may leave it, unused. */
  snapshotInBackground: `${SNAPSHOT_FILE}.next.async`,
  prevSnapshot: 'store.prev.sqlite',
  journal: 'journal.log',
  prevJournal: 'journal.prev.log',
  corrupt: 'store.sqlite.corrupt',
} as const;

const digestOf = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

const preloaded = new Map<string, PreloadedSnapshot>();

/** Makes the preloads' results available to `openGenerations`, which uses each only if the file is still the same one. */
export async function awaitPreloads(): Promise<void> {
  for (const [file, p] of takeSnapshotPreloads()) {
    const got = await p;
    if (got) preloaded.set(file, got);
  }
}

/** The snapshot's bytes: the preload's when it read this very file, else read now. */
function readSnapshot(file: string): Buffer {
  const got = preloaded.get(file);
  preloaded.delete(file);
  if (got) {
    try {
      const now = fs.statSync(file);
      if (now.ino === got.stat.ino && now.size === got.stat.size && now.mtimeMs === got.stat.mtimeMs) return got.data;
    } catch {
      // gone meanwhile: read below reports it as usual
    }
  }
  return fs.readFileSync(file);
}
const digestFile = (file: string): string => `${file}.sha256`;

/** fsync a file already written (its data, whoever wrote it). */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  try {
    fsyncFile(dir);
  } catch {
    // Not every platform can fsync a directory; the renames are still atomic.
  }
}

/** Write `data` to `file` and fsync it (not its directory). */
function writeSynced(file: string, data: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** `writeSynced` on libuv's threads: the main thread goes on meanwhile. */
export async function writeSyncedInBackground(file: string, data: Uint8Array): Promise<void> {
  const h = await fs.promises.open(file, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** `fsyncFile` on libuv's threads. */
export async function fsyncInBackground(file: string): Promise<void> {
  const h = await fs.promises.open(file, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Bytes hashed a turn by `digestInSlices`: ~0.7 ms here. */
const DIGEST_SLICE = 1 << 20;

/**
 * The SHA-256 of `data` in hex, as `digestOf` gives it, a slice a turn on the main thread: a
 * request arriving meanwhile waits at most one slice. (Web Crypto hashes on libuv's threads, but
 * first copies the data on the main thread, in one go: ~80 ms for an 88 MB snapshot, more than
 * hashing it here takes, ~60 ms.)
 */
export async function digestInSlices(data: Uint8Array, slice = DIGEST_SLICE): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < data.length; at += slice) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    hash.update(data.subarray(at, at + slice));
  }
  return hash.digest('hex');
}

function writeDurably(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp`;
  writeSynced(tmp, data);
  fs.renameSync(tmp, file);
}

export interface CompactionContext {
  dir: string;
  data: Uint8Array;
  /** `data`'s SHA-256, when it is known already (a background compaction computed it meanwhile). */
  digest?: string;
  /** Close the journal, rename it to journal.prev.log, open a fresh journal.log. */
  rotateJournal(): void;
}

const p = (ctx: CompactionContext, name: string) => path.join(ctx.dir, name);

/**
 * Put `data` in place as the newest snapshot without rotating the journals or touching the
 * previous generation. For a store opened from a generation that needs the previous journal (a
 * crash during a compaction left it so): the next compaction rotates that journal away, so a
 * snapshot that does not need it must be in place first. A crash at any point leaves either the
 * old snapshot (its digest removed first, so a stale one cannot make the new one look bad) or
 * the new one, each with the journals it needs.
 */
export function sealSnapshot(dir: string, data: Uint8Array): void {
  const file = path.join(dir, FILES.snapshot);
  const tmp = path.join(dir, FILES.nextSnapshot);
  writeSynced(tmp, data);
  fs.rmSync(digestFile(file), { force: true });
  fsyncDir(dir);
  fs.renameSync(tmp, file);
  fsyncDir(dir);
  writeDurably(digestFile(file), digestOf(data) + '\n');
  fsyncDir(dir);
}

/**
 * In order; each step is atomic on its own (a rename or a write to a temp file). The journal is
 * rotated first, at the moment the snapshot's data was taken: a background compaction
 * (Store.compactInBackground) then writes the snapshot while new commits go to the new journal.
 * Until the snapshot is in place the store opens from the old one and both journals, as after a
 * crash between these two steps in the order they had before (the snapshot written first).
 */
export const COMPACTION_STEPS: ((ctx: CompactionContext) => void)[] = [
  (ctx) => {
    ctx.rotateJournal();
    fsyncDir(ctx.dir);
  },
  (ctx) => writeSynced(p(ctx, FILES.nextSnapshot), ctx.data),
  // The snapshot's digest goes with it. A snapshot without one (a crash before step 6) leaves none:
  // the previous generation's old digest must not stay beside a different file.
  (ctx) => {
    const prevDigest = digestFile(p(ctx, FILES.prevSnapshot));
    if (fs.existsSync(digestFile(p(ctx, FILES.snapshot)))) fs.renameSync(digestFile(p(ctx, FILES.snapshot)), prevDigest);
    else fs.rmSync(prevDigest, { force: true });
  },
  // The previous snapshot replaced is deleted off the main thread: the journal it needed went at step 0.
  (ctx) => replaceFile(p(ctx, FILES.snapshot), p(ctx, FILES.prevSnapshot)),
  (ctx) => {
    fs.renameSync(p(ctx, FILES.nextSnapshot), p(ctx, FILES.snapshot));
    fsyncDir(ctx.dir);
  },
  (ctx) => {
    writeDurably(digestFile(p(ctx, FILES.snapshot)), (ctx.digest ?? digestOf(ctx.data)) + '\n');
    fsyncDir(ctx.dir);
  },
];
/** The step of `COMPACTION_STEPS` that writes the snapshot: a background compaction does it off the main thread. */
export const WRITE_STEP = 1;

/**
 * Why a snapshot file cannot be used, or null if it looks whole; checks the bytes only.
 * `verified` says a digest matched: the bytes are exactly what compaction wrote.
 */
export function snapshotDefect(file: string, data: Buffer): { defect: string | null; verified: boolean } {
  const defect = (d: string) => ({ defect: d, verified: false });
  if (data.length < 100) return defect(`too short (${data.length} bytes)`);
  if (data.toString('latin1', 0, 16) !== 'SQLite format 3\0') return defect('not a SQLite file (bad header)');
  const rawPage = data.readUInt16BE(16);
  const pageSize = rawPage === 1 ? 65536 : rawPage;
  const pages = data.readUInt32BE(28);
  const sizeValid = data.readUInt32BE(24) === data.readUInt32BE(92);
  if (sizeValid && pages * pageSize !== data.length) return defect(`truncated: header says ${pages * pageSize} bytes, file has ${data.length}`);
  if (data.length % pageSize !== 0) return defect(`truncated: ${data.length} bytes is not a whole number of ${pageSize}-byte pages`);
  let expected: string | null = null;
  try {
    expected = fs.readFileSync(digestFile(file), 'utf8').trim();
  } catch {
    // No digest (a crash before it was written, or a store from an older version): structure only.
  }
  if (!expected) return { defect: null, verified: false };
  return expected === digestOf(data) ? { defect: null, verified: true } : defect('sha256 digest does not match');
}

/**
 * What a database is prepared with before the journal replays into it (`prepare`): it applies
 * each journaled op (SQL, or an op of the store's own, e.g. the in-memory events').
 */
export interface ReplayTarget {
  run(sql: string, params: unknown[]): void;
}

export interface Opened<T extends ReplayTarget = ReplayTarget> {
  db: SqlJsDatabase;
  /** What `prepare` made for the database that was opened. */
  target: T;
  /** Sequence number of the last transaction applied (snapshot + journals). */
  seq: number;
  source: 'snapshot' | 'previous snapshot' | 'empty';
  snapshotSeq: number;
  replayed: number;
  /** Whether the newest snapshot was unusable (the caller should write a fresh one). */
  fellBack: boolean;
  /** Zero bytes cut off the journal's end: its pages written ahead, which a crash left (journal.ts). */
  aheadCut: number;
  /**
   * Whether the generation opened needs the previous journal (it is not the newest snapshot, or it
   * replayed entries only journal.prev.log holds): the caller must put a snapshot in place
   * (`sealSnapshot`) before the next compaction rotates that journal away.
   */
  needsPrevJournal: boolean;
}

interface Warn {
  (msg: string, fields: Record<string, unknown>): void;
}

/**
 * Open the newest usable generation. Throws when none can be brought up to date: starting with
 * acknowledged data missing would be worse than not starting.
 */
export function openGenerations<T extends ReplayTarget>(SQL: SqlJsStatic, dir: string, prepare: (db: SqlJsDatabase) => T, warn: Warn): Opened<T> {
  const journalFile = path.join(dir, FILES.journal);
  const current = readJournal(journalFile);
  if (current.tornBytes > 0) warn('journal has a torn tail; cutting it off', { tornBytes: current.tornBytes, keptEntries: current.entries.length });
  // A torn tail, or pages written ahead that a crash left (journal.ts: nothing to warn about): the writer starts at the last line's end.
  if (current.tornBytes + current.aheadBytes > 0) fs.truncateSync(journalFile, current.validBytes);
  // The previous journal (up to a compaction's worth, tens of MB after a busy session) is read
  // only for a generation that needs it: when its last line is whole and no newer than a
  // snapshot, none of its entries can be replayed on that snapshot, so the current journal alone
  // says what comes after it.
  const prevFile = path.join(dir, FILES.prevJournal);
  const prevLast = lastEntrySeq(prevFile);
  const inOrder = (lists: JournalEntry[][]): Journals => {
    const byQ = new Map<number, JournalEntry>();
    for (const list of lists) for (const e of list) byQ.set(e.q, e);
    const entries = [...byQ.values()].sort((a, b) => a.q - b.q);
    return { entries, newest: entries.length ? entries[entries.length - 1].q : 0 };
  };
  let both: Journals | undefined;
  const currentOnly = inOrder([current.entries]);
  currentOnly.newest = Math.max(currentOnly.newest, prevLast ?? 0);
  const journalsAfter = (snapshotSeq: number): Journals =>
    prevLast !== undefined && prevLast <= snapshotSeq ? currentOnly : (both ??= inOrder([readJournal(prevFile).entries, current.entries]));

  const candidates: { source: Opened['source']; file: string | null }[] = [
    { source: 'snapshot', file: path.join(dir, FILES.snapshot) },
    { source: 'previous snapshot', file: path.join(dir, FILES.prevSnapshot) },
    { source: 'empty', file: null },
  ];
  const problems: string[] = [];
  let fellBack = false;
  for (const c of candidates) {
    if (c.file && !fs.existsSync(c.file)) continue;
    const tried = tryCandidate(SQL, c.file, journalsAfter, prepare);
    if ('problem' in tried) {
      problems.push(`${c.source}: ${tried.problem}`);
      if (c.source === 'snapshot') fellBack = true;
      warn(`${c.source === 'empty' ? 'journal' : c.source} unusable; trying an older generation`, { file: c.file, problem: tried.problem });
      continue;
    }
    const inCurrent = new Set(current.entries.map((e) => e.q));
    const needsPrevJournal = c.source !== 'snapshot' || journalsAfter(tried.snapshotSeq).entries.some((e) => e.q > tried.snapshotSeq && !inCurrent.has(e.q));
    return { ...tried, source: c.source, fellBack, needsPrevJournal, aheadCut: current.aheadBytes };
  }
  throw new Error(`store in ${dir} cannot be recovered: ${problems.join('; ')}`);
}

/** Journal entries in `q` order (one per `q`), and the newest `q` on disk. */
interface Journals {
  entries: JournalEntry[];
  newest: number;
}

function tryCandidate<T extends ReplayTarget>(
  SQL: SqlJsStatic,
  file: string | null,
  journalsAfter: (snapshotSeq: number) => Journals,
  prepare: (db: SqlJsDatabase) => T,
): Omit<Opened<T>, 'source' | 'fellBack' | 'needsPrevJournal' | 'aheadCut'> | { problem: string } {
  let db: SqlJsDatabase;
  let snapshotSeq = 0;
  if (file) {
    const data = readSnapshot(file);
    const { defect, verified } = snapshotDefect(file, data);
    if (defect) return { problem: defect };
    db = new SQL.Database(data);
    try {
      // A matching digest already proves the bytes; quick_check (~250 ms on 60 MB) is for the rest.
      if (!verified) {
        const check = db.exec('PRAGMA quick_check');
        const verdict = check.length ? String(check[0].values[0][0]) : 'no answer';
        if (verdict !== 'ok') throw new Error(`quick_check: ${verdict}`);
      }
      const r = db.exec("SELECT value FROM meta WHERE key = 'journal_seq'");
      if (!r.length) throw new Error('no journal_seq in meta');
      snapshotSeq = Number(r[0].values[0][0]);
    } catch (err) {
      db.close();
      return { problem: err instanceof Error ? err.message : String(err) };
    }
  } else {
    db = memoryDatabase(SQL);
  }
  let target: T;
  try {
    target = prepare(db);
  } catch (err) {
    db.close();
    return { problem: `cannot be loaded: ${err instanceof Error ? err.message : String(err)}` };
  }
  const { entries, newest } = journalsAfter(snapshotSeq);
  const rest = entries.filter((e) => e.q > snapshotSeq);
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].q !== snapshotSeq + 1 + i) {
      db.close();
      return { problem: `journal gap: needs entry ${snapshotSeq + 1 + i}, next on disk is ${rest[i].q}` };
    }
  }
  try {
    db.exec('BEGIN');
    for (const entry of rest) for (const [sql, params] of entry.o) target.run(sql, params);
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    return { problem: `replay failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { db, target, seq: Math.max(snapshotSeq, newest), snapshotSeq, replayed: rest.length };
}
