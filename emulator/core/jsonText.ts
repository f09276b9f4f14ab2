/**
 * An event's JSON text kept as its UTF-8 bytes (issue 13). A lifecycle event's JSON is made when
 * its send is planned and used three times: in the send's journal line, as the recorded event the
 * store keeps, and in its batch's body. As a JavaScript string it stayed on the heap from the send
 * to its due time, ~20,000 of them per large send, copied by every young-generation collection in
 * between (a measured ~60 ms of a 20,000-recipient send's ~270 ms). As bytes in a shared slab it is
 * off the heap: the journal copies the bytes, the event store keeps the same bytes, and the text is
 * decoded only where a string is wanted.
 */

/** UTF-8 bytes `start` … `end` of a slab: one JSON text. */
export class Utf8Json {
  constructor(
    readonly slab: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  text(): string {
    return this.slab.toString('utf8', this.start, this.end);
  }

  /** A view of the bytes (no copy). */
  bytes(): Buffer {
    return this.slab.subarray(this.start, this.end);
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
 * `Buffer#utf8Write`: what `Buffer#write` calls after sorting out its arguments (measured 0.40 vs
 * 0.71 µs for an event's JSON). Not in Node's typings, present in every Node line this runs on.
 */
type Utf8Writer = Buffer & { utf8Write?: (s: string, offset: number) => number };

/**
 * `text` as UTF-8 bytes appended to a shared 1 MB slab; a slab is freed by the GC once nothing
 * refers to bytes in it.
 */
export function utf8Json(text: string): Utf8Json {
  const room = text.length * 3;
  if (pos + room > slab.length) {
    slab = Buffer.allocUnsafe(Math.max(SLAB, room));
    pos = 0;
  }
  const start = pos;
  const s = slab as Utf8Writer;
  pos += s.utf8Write ? s.utf8Write(text, start) : slab.write(text, start);
  return new Utf8Json(slab, start, pos);
}
