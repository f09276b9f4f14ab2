/**
 * An event's JSON text kept as its UTF-8 bytes (issue 13). A lifecycle event's JSON is made when
 * its send is planned and used three times: in the send's journal line, as the recorded event the
 * store keeps, and in its batch's body. As a JavaScript string it stayed on the heap from the send
 * to its due time, ~20,000 of them per large send, copied by every young-generation collection in
 * between (a measured ~60 ms of a 20,000-recipient send's ~270 ms). As bytes in a shared slab it is
 * off the heap: the journal copies the bytes, the event store keeps the same bytes, and the text is
 * decoded only where a string is wanted.
 */

/**
 * The Node `Buffer` methods used on a slab, declared here rather than taken from Node's types: the
 * core's types are also read by the webview's build (media/tsconfig.json), which has none. At run
 * time a slab is a Node `Buffer`.
 */
export interface Slab extends Uint8Array {
  toString(encoding?: 'utf8' | 'latin1', start?: number, end?: number): string;
  subarray(start?: number, end?: number): Slab;
  write(text: string, offset: number): number;
  copy(target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number): number;
  /** What `write` calls after sorting out its arguments (measured 0.40 vs 0.71 µs for an event's JSON); not in Node's typings. */
  utf8Write?(text: string, offset: number): number;
  /** What `toString('latin1', …)` calls after sorting out its arguments; not in Node's typings. */
  latin1Slice?(start: number, end: number): string;
}
declare const Buffer: { allocUnsafe(size: number): Slab; byteLength(text: string): number };

/** UTF-8 bytes `start` … `end` of a slab: one JSON text. */
export class Utf8Json {
  constructor(
    readonly slab: Slab,
    readonly start: number,
    readonly end: number,
  ) {}

  text(): string {
    return this.slab.toString('utf8', this.start, this.end);
  }

  /** A view of the bytes (no copy). */
  bytes(): Slab {
    return this.slab.subarray(this.start, this.end);
  }

  /** Copy the bytes into `target` at `at`; returns how many. */
  copyTo(target: Uint8Array, at: number): number {
    target.set(this.bytes(), at);
    return this.end - this.start;
  }

  /** Where one is serialized as a value (a journal op's params), it is its text, as the string was. */
  toJSON(): string {
    return this.text();
  }
}

/** A JSON text: a string, or its UTF-8 bytes. */
export type JsonText = string | Utf8Json;

export const jsonString = (j: JsonText): string => (typeof j === 'string' ? j : j.text());

/** The UTF-8 byte length of a JSON text. */
export const jsonByteLength = (j: JsonText): number => (typeof j === 'string' ? Buffer.byteLength(j) : j.end - j.start);

const SLAB = 1 << 20;
let slab = Buffer.allocUnsafe(0);
let pos = 0;

/**
 * The next texts written into `into`, from its start, one after another (a comma after each), until
 * one does not fit: that one and the rest go into new slabs as ever. The replay worker makes its
 * events' JSON straight into the buffer it hands back (replay.ts, `packReplay`), instead of into
 * slabs it then copies out of.
 */
export function writeInto(into: Slab): void {
  slab = into;
  pos = 0;
}

/**
 * `text` as UTF-8 bytes appended to a shared 1 MB slab; a slab is freed by the GC once nothing
 * refers to bytes in it.
 */
export function utf8Json(text: string): Utf8Json {
  writeBegin(text.length * 3);
  writeRaw(text);
  return writeEnd();
}

// A JSON text written piece by piece straight into the slab (`payloadUtf8`): no string is made
// for it, where building one took ~800 bytes of short-lived pieces an event, then a copy to flatten.
let begin = 0;

/** Start a text of at most `room` bytes. */
export function writeBegin(room: number): void {
  // (And the comma `writeEnd` leaves after it.)
  if (pos + room + 1 > slab.length) {
    slab = Buffer.allocUnsafe(Math.max(SLAB, room + 1));
    pos = 0;
  }
  begin = pos;
}

/** ASCII text (keys, punctuation, digits): a byte a character. */
export function writeAscii(s: string): void {
  const b = slab;
  let p = pos;
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  pos = p;
}

/** Any text, as UTF-8 (at most 3 bytes a UTF-16 unit). */
export function writeRaw(s: string): void {
  pos += slab.utf8Write ? slab.utf8Write(s, pos) : slab.write(s, pos);
}

/**
 * `JSON.stringify(s)` into `target` at `at`, byte by byte, when `s` is printable ASCII without `"`
 * or `\\` (such a string is itself in quotes): returns the position after it; -1 for any other
 * string, which needs `JSON.stringify`. `target` has room for `s.length + 2` bytes from `at`.
 */
export function writePlainQuoted(target: Uint8Array, at: number, s: string): number {
  let p = at;
  target[p++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return -1;
    target[p++] = c;
  }
  target[p++] = 0x22;
  return p;
}

/** `JSON.stringify(s)` (at most 6 bytes a UTF-16 unit, and the quotes). */
export function writeQuoted(s: string): void {
  const p = writePlainQuoted(slab, pos, s);
  if (p < 0) return writeRaw(JSON.stringify(s));
  pos = p;
}

/**
 * The most bytes `writeFlatObject(o)` writes, or -1 when `o` is not a flat plain object: an
 * array, another prototype, a `toJSON`, or a value other than a string, a number, a boolean or
 * null (then only `JSON.stringify` says what it is). An event's `custom_variables` are usually
 * flat: written here they cost no string of their own and no native call (~1.2 µs of ~3.8 an
 * event with one variable, measured; issue 13).
 */
export function flatObjectRoom(o: object): number {
  const proto: unknown = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') return -1;
  const r = o as Record<string, unknown>;
  let room = 2;
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (typeof v === 'string') room += 6 * v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) room += 26;
    else return -1;
    room += 6 * k.length + 4;
  }
  return room;
}

/**
 * `JSON.stringify(o)` of an object `flatObjectRoom` found flat: its own enumerable string keys in
 * the order `JSON.stringify` takes them (`Object.keys`'s), each value written as it does.
 */
export function writeFlatObject(o: object): void {
  const r = o as Record<string, unknown>;
  slab[pos++] = 0x7b;
  let first = true;
  for (const k of Object.keys(r)) {
    if (!first) slab[pos++] = 0x2c;
    first = false;
    writeQuoted(k);
    slab[pos++] = 0x3a;
    const v = r[k];
    if (typeof v === 'string') writeQuoted(v);
    else if (typeof v === 'number') writeNumber(v);
    else writeAscii(v === true ? 'true' : v === false ? 'false' : 'null');
  }
  slab[pos++] = 0x7d;
}

/** Bytes `from` … `to` of `src`, as they are (text already in its JSON form). */
export function writeBytes(src: Uint8Array, from: number, to: number): void {
  const b = slab;
  let p = pos;
  if (to - from < 64) for (let i = from; i < to; i++) b[p++] = src[i];
  else {
    b.set(src.subarray(from, to), p);
    p += to - from;
  }
  pos = p;
}

/**
 * Overwrite bytes of the text being written, from `at` bytes after its start, with `s` (ASCII, a
 * byte a character, already written that long): a field's new value in place of the old one.
 */
export function writeOver(at: number, s: string): void {
  const b = slab;
  const p = begin + at;
  for (let i = 0; i < s.length; i++) b[p + i] = s.charCodeAt(i);
}

/**
 * `writeOver` of `JSON.stringify(s)` (quotes included), when that is `s` in quotes
 * (`writePlainQuoted`); false for any other string, whose bytes then hold part of it (the caller
 * starts the text again).
 */
export function writeOverQuoted(at: number, s: string): boolean {
  return writePlainQuoted(slab, begin + at, s) >= 0;
}

/** `JSON.stringify(n)` of a number. */
export function writeNumber(n: number): void {
  writeAscii(Number.isFinite(n) ? `${n}` : 'null');
}

/**
 * The text written since `writeBegin`. A comma follows it in the slab (not part of it): texts
 * written one after another are then laid out as a JSON array's items, and a journal line takes
 * a run of them in one copy (journal.ts, `COLUMN_OPS`).
 */
export function writeEnd(): Utf8Json {
  const text = new Utf8Json(slab, begin, pos);
  slab[pos++] = 0x2c;
  return text;
}
