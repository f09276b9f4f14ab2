/**
 * Append-only journal of committed transactions. One line per transaction:
 *   <8 hex checksum><separator><json>\n      json = {"q":seq,"o":[[sql,params],...]}
 * (an op of `JSON_TEXT_OPS` holds its JSON texts as values, not strings: see there; the checksum's
 * two forms, told apart by the separator: `CHECKSUMS`).
 * A line is written with one synchronous write() before the emulator acknowledges the change,
 * so a kill -9 at any later moment cannot lose it (the OS holds the bytes). A torn last line
 * (crash mid-write, or a truncated file) fails its checksum and is cut off on open.
 *
 * The file may end with zero bytes after its last line: the journal's next pages, written ahead in
 * quiet time (`JournalWriter.writeAhead`) so that a burst's lines overwrite pages the OS already
 * holds (issue 13). No line holds a zero byte (a line is its checksum's hex digits and JSON text,
 * which escapes control characters), so a zero where a line would start is the end of the lines.
 * A crash leaves them there; the next open cuts them off with any torn line before them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Utf8Json, writePlainQuoted } from '../core/jsonText';
import { replaceFile } from './replaceFile';

export type Op = [sql: string, params: unknown[]];
export interface JournalEntry {
  q: number;
  o: Op[];
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** CRC-32 (the zlib one) in plain code, for a runtime without `zlib.crc32` (Node < 20.15: as in older VS Code releases). */
let crcTable: Int32Array | undefined;
export function crc32Js(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * A line's checksum, of its JSON's UTF-8 bytes, 8 hex digits, in one of two forms told apart by
 * the character after them (both 32 bits; a journal may hold both: lines written before an
 * upgrade, then lines after it):
 * - `' '`: the start of its SHA-1, what every version wrote up to issue 13's twenty-eighth step;
 * - `'\t'`: its CRC-32, ~3 times faster (the SHA-1 of a replay's several-MB lines was ~4 % of the
 *   delivery engine's CPU). Written where the runtime has `zlib.crc32`; read everywhere.
 */
const CHECKSUMS = {
  sha1: { separator: 0x20, of: (json: Uint8Array): string => createHash('sha1').update(json).digest('hex').slice(0, 8) },
  crc32: { separator: 0x09, of: (json: Uint8Array): string => hex8(nativeCrc32 ? nativeCrc32(json) : crc32Js(json)) },
} as const;
type ChecksumName = keyof typeof CHECKSUMS;
/** The form new lines are written in. */
let writtenChecksum: ChecksumName = nativeCrc32 ? 'crc32' : 'sha1';

/** For tests: write new lines' checksums in `form` (as an older version, or an older runtime, did); returns the form before. */
export function writeChecksumsAs(form: ChecksumName): ChecksumName {
  const before = writtenChecksum;
  writtenChecksum = form;
  return before;
}

/**
 * JSON of each distinct SQL text, escaped once: a process runs a few dozen statements millions of
 * times. Apart from `JSON_TEXT_OPS`, the line is byte for byte what `JSON.stringify(entry)` gives.
 */
const sqlJson = new Map<string, string>();
const MAX_CACHED_SQL = 1000;

function quoteSql(sql: string): string {
  let q = sqlJson.get(sql);
  if (q === undefined) {
    q = JSON.stringify(sql);
    if (sqlJson.size < MAX_CACHED_SQL) sqlJson.set(sql, q);
  }
  return q;
}

/**
 * Ops whose params hold JSON texts (an event's payload, a scheduled item) at every `stride`-th
 * place from `at`. The line holds each such text as the JSON value it is, not as a JSON string of
 * it: escaping every quote of every payload was most of the cost of writing a line (issue 13).
 * Reading the line gives the texts back (`readJournal`): JSON.stringify of a parsed JSON.stringify
 * output is that output again, byte for byte. The texts must be JSON.stringify's own output.
 */
export const JSON_TEXT_OPS = {
  /** Events (eventLog.ts): `id, recorded_at, json` each. */
  events: '@events.add',
  /** Scheduled lifecycle rows (deferredRows.ts): `id, due_at, payload` each. */
  schedule: '@schedule.add',
} as const;
/**
 * Ops of read-model rows by column, their ids consecutive (deferredRows.ts, `columnParams`):
 * `first_id, n`, then each further column's `n` values. Written value by value straight into the
 * line; a column of JSON texts (`text`) holds them as the values they are, and texts laid out in a
 * slab one after another (jsonText.ts, a send's plans) go in as one copy, not one each.
 */
export const COLUMN_OPS = {
  /** `scheduled_events`: `first_id, n, due_at × n, payload × n`. */
  schedule: '@schedule.columns',
  /** `messages`: `first_seq, n, id × n, send_id × n, email × n, kind × n, created_at × n`. */
  messages: '@messages.columns',
  /** Events (eventLog.ts): `first_id, n, recorded_at × n, json × n`. */
  events: '@events.columns',
} as const;
const COLUMN_SHAPES = new Map<string, { width: number; text?: number }>([
  [COLUMN_OPS.schedule, { width: 3, text: 2 }],
  [COLUMN_OPS.events, { width: 3, text: 2 }],
  [COLUMN_OPS.messages, { width: 6 }],
]);

const JSON_TEXT_PLACES = new Map<string, { stride: number; at: number }>([
  [JSON_TEXT_OPS.events, { stride: 3, at: 2 }],
  [JSON_TEXT_OPS.schedule, { stride: 3, at: 2 }],
]);

/**
 * A line is written straight into bytes: a send of 20,000 recipients makes a line of several MB,
 * and built as a string it was a rope of hundreds of thousands of pieces, flattened into one large
 * copy before its conversion to UTF-8 (most of the garbage, and so of the GC, of writing it). Here
 * each op's JSON goes into the buffer as it comes, a JSON-text op's in chunks of ~8 K characters.
 */
class LineBuilder {
  buf: Buffer;
  /** The checksum and its space come first: the JSON starts at 9. */
  pos = 9;

  constructor(buf?: Buffer) {
    this.buf = buf ?? Buffer.allocUnsafe(64 * 1024);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A string's UTF-8 bytes (at most 3 a UTF-16 unit). */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /** A short string, most likely ASCII (ids, times, commas): byte by byte, where a native call costs more. */
  short(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p;
        return this.text(s.slice(i));
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  private lastNumber = NaN;
  private lastNumberJson = 'null';

  /** A value's JSON, as `JSON.stringify` writes it: numbers and plain strings without a call to it. */
  value(v: unknown): void {
    if (typeof v === 'number' && Number.isFinite(v)) {
      // A column often repeats one number (a send's id and time on each of its messages).
      if (!Object.is(v, this.lastNumber)) this.lastNumberJson = `${(this.lastNumber = v)}`;
      return this.short(this.lastNumberJson);
    }
    if (typeof v !== 'string') return this.text(JSON.stringify(v));
    this.room(v.length + 2);
    const p = writePlainQuoted(this.buf, this.pos, v);
    if (p < 0) return this.text(JSON.stringify(v));
    this.pos = p;
  }

  /** Bytes as they are (UTF-8 already). */
  bytes(from: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buf.set(from.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** One ASCII character. */
  char(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** The whole line: checksum of the JSON's bytes, its separator, the JSON, a newline. */
  finish(): Buffer {
    const n = this.pos - 9;
    this.char(0x0a);
    const form = CHECKSUMS[writtenChecksum];
    this.buf.write(form.of(this.buf.subarray(9, 9 + n)), 0, 'latin1');
    this.buf[8] = form.separator;
    return this.buf.subarray(0, this.pos);
  }
}

const COMMA = 0x2c;

/** The place of row `k`'s column `c` (1 … width - 1) in a column op of `n` rows (`COLUMN_OPS`). */
export const columnAt = (n: number, k: number, c: number): number => 2 + (c - 1) * n + k;

/** The places of a column op's column `c`. */
const columnPlaces = (params: unknown[], c: number): { from: number; to: number } => {
  const n = Number(params[1]);
  return { from: columnAt(n, 0, c), to: columnAt(n, n, c) };
};

function addColumns(out: LineBuilder, params: unknown[], shape: { width: number; text?: number }): void {
  out.char(0x5b); // [
  out.value(params[0]);
  out.char(COMMA);
  out.value(params[1]);
  for (let c = 1; c < shape.width; c++) {
    const { from, to } = columnPlaces(params, c);
    if (c === shape.text) addTexts(out, params, from, to);
    else
      for (let i = from; i < to; i++) {
        out.char(COMMA);
        out.value(params[i]);
      }
  }
  out.char(0x5d); // ]
}

/** JSON texts as values, each run laid out in one slab with a comma between them (as `writeEnd` leaves them) copied at once. */
function addTexts(out: LineBuilder, params: unknown[], from: number, to: number): void {
  let run: Utf8Json | null = null;
  let runEnd = 0;
  for (let i = from; i < to; i++) {
    const v = params[i];
    if (run && v instanceof Utf8Json && v.slab === run.slab && v.start === runEnd + 1 && run.slab[runEnd] === COMMA) {
      runEnd = v.end;
      continue;
    }
    if (run) out.bytes(run.slab, run.start, runEnd);
    out.char(COMMA);
    if (v instanceof Utf8Json) {
      run = v;
      runEnd = v.end;
    } else {
      run = null;
      out.text(v as string);
    }
  }
  if (run) out.bytes(run.slab, run.start, runEnd);
}

/** Characters of a JSON-text op gathered before they go into the line (measured: the fastest way in). */
const CHUNK = 8192;

function addParams(out: LineBuilder, sql: string, params: unknown[]): void {
  const shape = COLUMN_SHAPES.get(sql);
  if (shape) return addColumns(out, params, shape);
  const places = JSON_TEXT_PLACES.get(sql);
  // (A JSON text kept as bytes is serialized as its text here: Utf8Json#toJSON.)
  if (!places) return out.text(JSON.stringify(params));
  let chunk = '[';
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (i) chunk += ',';
    if (v instanceof Utf8Json) {
      // Its bytes as they are: no string, no encoding (a lifecycle event's JSON: jsonText.ts).
      out.short(chunk);
      chunk = '';
      out.bytes(v.slab, v.start, v.end);
      continue;
    }
    // The other places are ids and times: a finite number's JSON is its string (no call to
    // JSON.stringify, a third of this loop's time for a 20,000-recipient send).
    chunk += i % places.stride === places.at ? (v as string) : typeof v === 'number' && Number.isFinite(v) ? `${v}` : JSON.stringify(v);
    if (chunk.length >= CHUNK) {
      out.text(chunk);
      chunk = '';
    }
  }
  out.text(`${chunk}]`);
}

/** The params of a read op as they were written: JSON texts back as strings. */
function restoreJsonTexts(entry: JournalEntry): void {
  for (const [sql, params] of entry.o) {
    const shape = COLUMN_SHAPES.get(sql);
    if (shape) {
      if (shape.text === undefined) continue;
      const { from, to } = columnPlaces(params, shape.text);
      for (let i = from; i < to; i++) params[i] = JSON.stringify(params[i]);
      continue;
    }
    const places = JSON_TEXT_PLACES.get(sql);
    if (!places) continue;
    for (let i = places.at; i < params.length; i += places.stride) params[i] = JSON.stringify(params[i]);
  }
}

function encodeInto(out: LineBuilder, entry: JournalEntry): Buffer {
  out.text(`{"q":${JSON.stringify(entry.q)},"o":[`);
  for (let i = 0; i < entry.o.length; i++) {
    const [sql, params] = entry.o[i];
    if (i) out.char(COMMA);
    out.char(0x5b); // [
    out.text(quoteSql(sql));
    out.char(COMMA);
    addParams(out, sql, params);
    out.char(0x5d); // ]
  }
  out.text(']}');
  return out.finish();
}

/** The line's bytes (its own copy). */
export function encodeEntryBytes(entry: JournalEntry): Buffer {
  return Buffer.from(encodeInto(new LineBuilder(), entry));
}

export interface ReadResult {
  entries: JournalEntry[];
  /** Byte length of the valid prefix; anything after it is torn or written ahead, and must be cut. */
  validBytes: number;
  /** Bytes after the valid prefix that are not all zero: a torn line (or a damaged file). */
  tornBytes: number;
  /** Zero bytes after the valid prefix: pages written ahead (`JournalWriter.writeAhead`), no harm. */
  aheadBytes: number;
}

/** Zero bytes, at least `n` (1 MB at least): what is written ahead, and what a journal's end is compared with. Never written to. */
let zeros: Buffer | undefined;
const zeroBytes = (n: number): Buffer => (zeros && zeros.length >= n ? zeros : (zeros = Buffer.alloc(Math.max(n, 1 << 20))));

/** Whether `buf` holds only zero bytes from `from` on (compared a slice at a time: up to the 32 MB written ahead). */
function zeroFrom(buf: Buffer, from: number): boolean {
  const z = zeroBytes(0);
  for (let i = from; i < buf.length; i += z.length) {
    const n = Math.min(z.length, buf.length - i);
    if (!buf.subarray(i, i + n).equals(z.subarray(0, n))) return false;
  }
  return true;
}

/** The JSON of the line `buf[start, end)` (without its newline), or undefined when its checksum does not hold. */
function checkedJson(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start < 9) return undefined;
  const sep = buf[start + 8];
  const form = sep === CHECKSUMS.crc32.separator ? CHECKSUMS.crc32 : sep === CHECKSUMS.sha1.separator ? CHECKSUMS.sha1 : undefined;
  if (!form || form.of(buf.subarray(start + 9, end)) !== buf.toString('latin1', start, start + 8)) return undefined;
  return buf.toString('utf8', start + 9, end);
}

export function readJournal(file: string): ReadResult {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], validBytes: 0, tornBytes: 0, aheadBytes: 0 };
    throw err;
  }
  const entries: JournalEntry[] = [];
  let pos = 0;
  // (No line starts with a zero byte: there the lines end, and pages written ahead may follow.)
  while (pos < buf.length && buf[pos] !== 0) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const json = checkedJson(buf, pos, nl);
    if (json === undefined) break;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(json) as JournalEntry;
    } catch {
      break;
    }
    restoreJsonTexts(entry);
    entries.push(entry);
    pos = nl + 1;
  }
  const rest = buf.length - pos;
  return buf[pos] === 0 && zeroFrom(buf, pos) ? { entries, validBytes: pos, tornBytes: 0, aheadBytes: rest } : { entries, validBytes: pos, tornBytes: rest, aheadBytes: 0 };
}

/**
 * The sequence number of a journal's last line, read from the end of the file without reading the
 * rest: 0 for a missing or empty file; undefined when the last line cannot vouch for the file (the
 * file does not end with a newline, or the line's checksum or shape is wrong, or it ends with pages
 * written ahead: a rotated journal never does, `JournalWriter.rotate` cuts them), and then only
 * `readJournal` can say what it holds. Lines are appended in increasing `q`, so every line of a
 * journal whose last line is whole has a `q` at most this one's.
 */
export function lastEntrySeq(file: string): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return 0;
    // Back from the end in growing steps until the newline before the last line (or the start).
    let take = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = Buffer.allocUnsafe(take);
      let got = 0;
      while (got < take) {
        const n = fs.readSync(fd, buf, got, take - got, size - take + got);
        if (n === 0) return undefined;
        got += n;
      }
      if (buf[take - 1] !== 0x0a) return undefined; // a torn tail
      const before = take >= 2 ? buf.lastIndexOf(0x0a, take - 2) : -1;
      if (before < 0 && take < size) {
        take = Math.min(size, take * 4);
        continue;
      }
      const json = checkedJson(buf, before + 1, take - 1);
      const m = json === undefined ? null : /^\{"q":(\d+),/.exec(json);
      return m ? Number(m[1]) : undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A line's buffer larger than this (a very large send) is not kept for the next line. */
const KEEP_SCRATCH = 16 * 1024 * 1024;

/**
 * Appends lines to a journal file, each with one write(2) at the end of the lines (a positional
 * write: the file may hold pages written ahead past it, which an append would write after).
 */
export class JournalWriter {
  private fd: number;
  /** Where the lines end: the next line's position, and the journal's size. */
  private bytes: number;
  /** Where the file ends: `bytes` plus the zero bytes written ahead after it. */
  private fileBytes: number;

  /** A file that ends with pages written ahead (a crash left them) must have them cut first (`readJournal`'s `validBytes`). */
  constructor(private readonly file: string) {
    this.fd = openForLines(file);
    this.bytes = this.fileBytes = fs.fstatSync(this.fd).size;
  }

  /** The lines' bytes (not the pages written ahead). */
  get size(): number {
    return this.bytes;
  }

  /** Zero bytes written ahead of the next line. */
  get ahead(): number {
    return this.fileBytes - this.bytes;
  }

  /**
   * Writes up to `most` zero bytes after what is written ahead already, until `want` are ahead of
   * the next line; returns whether more are wanted. Done in quiet time (Store): a burst's lines then
   * overwrite pages the OS holds instead of each write(2) taking new ones. On the bench machine (a
   * VM that backs a page the first time it is touched) writing 6.4 MB at the end of a file took
   * ~15 ms, over pages written before ~0.5 ms. PostgreSQL likewise fills each new WAL file with zeros
   * before use (`wal_init_zero`: its space allocated before records need it).
   */
  writeAhead(want: number, most: number): boolean {
    const missing = want - this.ahead;
    if (missing <= 0) return false;
    const n = Math.min(missing, most);
    const z = zeroBytes(n);
    let off = 0;
    try {
      while (off < n) off += fs.writeSync(this.fd, z, off, n - off, this.fileBytes + off);
    } catch (err) {
      // (A full disk part way: what it wrote goes, so that the file still ends where `fileBytes` says.)
      if (off) fs.ftruncateSync(this.fd, this.fileBytes);
      throw err;
    }
    this.fileBytes += n;
    return n < missing;
  }

  /** The buffer lines are built in, kept between lines (up to `KEEP_SCRATCH` bytes). */
  private scratch: Buffer | undefined;

  append(entry: JournalEntry): void {
    const builder = new LineBuilder(this.scratch);
    const line = encodeInto(builder, entry);
    this.scratch = builder.buf.length <= KEEP_SCRATCH ? builder.buf : undefined;
    let off = 0;
    while (off < line.length) off += fs.writeSync(this.fd, line, off, line.length - off, this.bytes + off);
    this.bytes += line.length;
    if (this.bytes > this.fileBytes) this.fileBytes = this.bytes;
  }

  /** The pages written ahead cut off: the file ends with its last line. */
  private cutAhead(): void {
    if (this.fileBytes === this.bytes) return;
    fs.ftruncateSync(this.fd, this.bytes);
    this.fileBytes = this.bytes;
  }

  /**
   * Start a new generation: this file becomes `prevFile` (the one before it deleted in the
   * background: `replaceFile`) and an empty journal takes its place. The old entries stay on disk
   * for the previous snapshot; `sync: false` leaves their fsync to the caller.
   */
  rotate(prevFile: string, { sync = true }: { sync?: boolean } = {}): void {
    // A rotated journal ends with its last line: a start reads that line back from its end (`lastEntrySeq`).
    this.cutAhead();
    // (A background compaction fsyncs `prevFile` itself, off the main thread.)
    if (sync) fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    replaceFile(this.file, prevFile);
    this.fd = openForLines(this.file);
    this.bytes = this.fileBytes = 0;
  }

  sync(): void {
    fs.fsyncSync(this.fd);
  }

  /** Closes the file, its pages written ahead cut off (a stopped emulator leaves only its lines). */
  close(): void {
    try {
      this.cutAhead();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** The journal file opened for positional writes (created if missing; never truncated here). */
const openForLines = (file: string): number => fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o666);
