/**
 * A batch's body stored deflated in SQLite (issue 13).
 *
 * The bodies were the largest part of the database: after 240,000 delivered events, 73 MB of a
 * 136 MB snapshot (480 batches of ~150 KB). Every compaction copies every page of the database on
 * the main thread (sql.js's export, the longest hold the emulator has: ~350 ms for that snapshot),
 * then writes and digests it. A body is 500 events that differ by their ids: zlib at level 1 takes
 * it to ~18 % (~26 KB) in ~1.5 ms, on libuv's thread pool, not the main thread.
 *
 * So a batch's waiting row (deferredRows.ts) holds a `DeflatingText`. Quiet time (readModel.ts)
 * has the thread pool deflate the waiting bodies, then writes them as those bytes (a BLOB). A row
 * written before its bytes are ready (a read that needs it right after a burst, a compaction) goes
 * in as the text, as before: nothing waits for zlib. A journal replay writes the text too.
 * `storedText` reads either. The journal is unchanged: it rebuilds a body from the events it holds.
 *
 * A snapshot's chunks of events (eventSnapshot.ts) are stored the same way when a compaction at
 * rest writes them ahead of its export (Store.writeEventsAhead); the export of a compaction in the
 * middle of work writes them as text, as before.
 */
import zlib from 'node:zlib';
import type { SqlValue } from 'sql.js';
import { LazyText } from './statements';

/** zlib's fastest level: ~18 % of a body's size, against ~17 % at the default level for twice the time. */
const LEVEL = 1;

export class DeflatingText extends LazyText {
  private deflated: Buffer | null = null;
  private started: Promise<void> | null = null;
  private done = false;

  constructor(readonly value: string | Buffer) {
    super(() => (typeof value === 'string' ? value : value.toString('utf8')), value.length);
  }

  /**
   * Deflation in the thread pool, started by the first call (the store's quiet time: started with
   * the batch, it took the second core from the webhook's receiver during a drain); null once done
   * (the bytes are ready, or it failed and the text stays).
   */
  deflating(): Promise<void> | null {
    if (this.done) return null;
    this.started ??= new Promise((resolve) => {
      zlib.deflate(this.value, { level: LEVEL }, (err, out) => {
        if (!err) this.deflated = out;
        this.done = true;
        resolve();
      });
    });
    return this.started;
  }

  /** The deflated bytes (zlib format), or null before they are made. */
  ready(): Buffer | null {
    return this.deflated;
  }
}

/** A stored text (a batch's body, a snapshot's chunk of events): a BLOB is a `DeflatingText`'s bytes, anything else the text itself. */
export function storedText(v: SqlValue): string {
  return v instanceof Uint8Array ? zlib.inflateSync(v).toString('utf8') : String(v);
}
