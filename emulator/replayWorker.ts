/**
 * The replay worker (issue 13): a thread that checks part of a large JSON Lines replay and makes
 * its events' JSON while the main thread does the rest (`http/replayLines.ts`). It is handed the
 * lines' bytes and the replay's time, makes the events as the main thread would (`replayEvents`,
 * fresh ids from the same CSPRNG) and hands them back packed (`packReplay`). It records nothing: a
 * part with any line refused, or anything else gone wrong, is answered `ok: false`, and the main
 * thread then takes the whole replay itself, answering the 400 that names every line.
 */
import { parentPort } from 'node:worker_threads';
import { packReplay, replayEvents, type PackedReplay } from './core/replay';
import { uuidV4 } from './random';

export interface ReplayWork {
  id: number;
  lines: ArrayBuffer;
  now: number;
}

export type ReplayWorkDone = { id: number; ok: true; packed: PackedReplay } | { id: number; ok: false };

parentPort?.on('message', (w: ReplayWork) => {
  let done: ReplayWorkDone;
  try {
    const events = replayEvents(Buffer.from(w.lines), { keepIds: false, now: w.now, uuid: uuidV4 });
    done = { id: w.id, ok: true, packed: packReplay(events, Math.floor(w.now / 1000)) };
  } catch {
    done = { id: w.id, ok: false };
  }
  parentPort!.postMessage(done, done.ok ? [done.packed.json, done.packed.at, done.packed.kinds, done.packed.domainIndex] : []);
});
