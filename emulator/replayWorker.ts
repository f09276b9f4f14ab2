/**
 * The replay worker (issue 13): a thread that checks part of a large JSON Lines replay and makes
 * its events' JSON while the main thread does the rest (`http/replayLines.ts`). It is handed the
 * lines' bytes and the replay's time, makes the events as the main thread would (`replayEvents`,
 * fresh ids from the same CSPRNG) and hands them back packed (`packReplay`). It records nothing: a
 * part with any line refused, or anything else gone wrong, is answered `ok: false`, and the main
 * thread then takes the whole replay itself, answering the 400 that names every line.
 *
 * The events' JSON is made straight into the buffer handed back (`writeInto`), not into slabs of its
 * own copied into it; the lines' buffer goes back too, for the next replay's lines (fresh memory
 * costs: see `ReplayLines`).
 */
import { parentPort } from 'node:worker_threads';
import { writeInto } from './core/jsonText';
import { packReplay, replayEvents, type PackedReplay } from './core/replay';
import { uuidV4 } from './random';

export interface ReplayWork {
  id: number;
  /** The lines are its first `length` bytes. */
  lines: ArrayBuffer;
  length: number;
  now: number;
}

export type ReplayWorkDone = { id: number; ok: true; packed: PackedReplay; lines: ArrayBuffer } | { id: number; ok: false; lines?: ArrayBuffer };

/**
 * Room for the events' JSON in the buffer handed back: a replayed event's JSON is its line with a
 * fresh id and time, as long as the line when its old id is a UUID and its time as many digits (a
 * sample's, another emulator's); longer ones go on in slabs of their own and are copied after.
 */
const room = (length: number) => length + 64 * 1024;

parentPort?.on('message', (w: ReplayWork) => {
  let done: ReplayWorkDone;
  try {
    const into = new ArrayBuffer(room(w.length));
    writeInto(Buffer.from(into));
    let events;
    try {
      events = replayEvents(Buffer.from(w.lines, 0, w.length), { keepIds: false, now: w.now, uuid: uuidV4 });
    } finally {
      writeInto(Buffer.alloc(0)); // (`into` is handed back: nothing more is written there)
    }
    done = { id: w.id, ok: true, packed: packReplay(events, Math.floor(w.now / 1000), into), lines: w.lines };
  } catch {
    done = { id: w.id, ok: false, lines: w.lines };
  }
  const moved = done.ok ? [done.packed.json, done.packed.at, done.packed.kinds, done.packed.domainIndex, w.lines] : [w.lines];
  parentPort!.postMessage(done, moved);
});
