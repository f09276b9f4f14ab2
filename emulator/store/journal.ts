/**
 * Append-only journal of committed transactions. One line per transaction:
 *   <8 hex checksum> <json>\n      json = {"q":seq,"o":[[sql,params],...]}
 * (an op of `JSON_TEXT_OPS` holds its JSON texts as values, not strings: see there).
 * A line is written with one synchronous write() before the emulator acknowledges the change,
 * so a kill -9 at any later moment cannot lose it (the OS holds the bytes). A torn last line
 * (crash mid-write, or a truncated file) fails its checksum and is cut off on open.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

export type Op = [sql: string, params: unknown[]];
export interface JournalEntry {
  q: number;
  o: Op[];
}

const checksum = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 8);

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
const JSON_TEXT_PLACES = new Map<string, { stride: number; at: number }>([
  [JSON_TEXT_OPS.events, { stride: 3, at: 2 }],
  [JSON_TEXT_OPS.schedule, { stride: 3, at: 2 }],
]);

/**
 * A line's JSON as pieces of at most ~`PIECE` characters, in order. A send of 20,000 recipients
 * makes a line of several MB: built as one string, it was a rope of hundreds of thousands of
 * pieces, flattened into one large string, all of it held until the write (most of the GC of
 * writing such a line). Pieces this size die young.
 */
const PIECE = 32 * 1024;

class Pieces {
  readonly done: string[] = [];
  private cur = '';

  add(s: string): void {
    this.cur += s;
    if (this.cur.length >= PIECE) {
      this.done.push(this.cur);
      this.cur = '';
    }
  }

  end(): string[] {
    if (this.cur) this.done.push(this.cur);
    this.cur = '';
    return this.done;
  }
}

function addParams(out: Pieces, sql: string, params: unknown[]): void {
  const places = JSON_TEXT_PLACES.get(sql);
  if (!places) return out.add(JSON.stringify(params));
  out.add('[');
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    // The other places are ids and times: a finite number's JSON is its string (no call to
    // JSON.stringify, a third of this loop's time for a 20,000-recipient send).
    const json = i % places.stride === places.at ? (v as string) : typeof v === 'number' && Number.isFinite(v) ? `${v}` : JSON.stringify(v);
    out.add(i ? `,${json}` : json);
  }
  out.add(']');
}

/** The params of a read op as they were written: JSON texts back as strings. */
function restoreJsonTexts(entry: JournalEntry): void {
  for (const [sql, params] of entry.o) {
    const places = JSON_TEXT_PLACES.get(sql);
    if (!places) continue;
    for (let i = places.at; i < params.length; i += places.stride) params[i] = JSON.stringify(params[i]);
  }
}

function entryPieces(entry: JournalEntry): string[] {
  const out = new Pieces();
  out.add(`{"q":${JSON.stringify(entry.q)},"o":[`);
  for (let i = 0; i < entry.o.length; i++) {
    const [sql, params] = entry.o[i];
    out.add(`${i ? ',' : ''}[${quoteSql(sql)},`);
    addParams(out, sql, params);
    out.add(']');
  }
  out.add(']}');
  return out.end();
}

/**
 * The line's bytes. The JSON is converted to UTF-8 piece by piece, into the line's own buffer, and
 * the checksum is taken over those bytes (what hashing the string does, without converting it again).
 */
export function encodeEntryBytes(entry: JournalEntry): Buffer {
  const pieces = entryPieces(entry);
  let n = 0;
  for (const p of pieces) n += Buffer.byteLength(p);
  const line = Buffer.allocUnsafe(n + 10);
  let at = 9;
  for (const p of pieces) at += line.write(p, at);
  line.write(createHash('sha1').update(line.subarray(9, 9 + n)).digest('hex').slice(0, 8), 0, 'latin1');
  line[8] = 0x20;
  line[n + 9] = 0x0a;
  return line;
}

export interface ReadResult {
  entries: JournalEntry[];
  /** Byte length of the valid prefix; anything after it is torn and must be cut. */
  validBytes: number;
  tornBytes: number;
}

export function readJournal(file: string): ReadResult {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], validBytes: 0, tornBytes: 0 };
    throw err;
  }
  const entries: JournalEntry[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const line = buf.toString('utf8', pos, nl);
    const sum = line.slice(0, 8);
    const json = line.slice(9);
    if (line[8] !== ' ' || checksum(json) !== sum) break;
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
  return { entries, validBytes: pos, tornBytes: buf.length - pos };
}

export class JournalWriter {
  private fd: number;
  private bytes: number;

  constructor(private readonly file: string) {
    this.fd = fs.openSync(file, 'a');
    this.bytes = fs.fstatSync(this.fd).size;
  }

  get size(): number {
    return this.bytes;
  }

  append(entry: JournalEntry): void {
    const line = encodeEntryBytes(entry);
    let off = 0;
    while (off < line.length) off += fs.writeSync(this.fd, line, off, line.length - off);
    this.bytes += line.length;
  }

  /**
   * Start a new generation: this file becomes `prevFile` (replacing the one before it) and an
   * empty journal takes its place. The old entries stay on disk for the previous snapshot.
   */
  rotate(prevFile: string): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.renameSync(this.file, prevFile);
    this.fd = fs.openSync(this.file, 'a');
    this.bytes = 0;
  }

  sync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
