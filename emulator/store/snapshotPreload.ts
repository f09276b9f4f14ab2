/**
 * Reading the data dir's snapshot on libuv's thread pool, started before the emulator's code is
 * even compiled (issue 13, start-up): one read(2) of the whole file runs beside the main thread's
 * loading of the bundle, and the store opens the bytes it read (their SHA-256 is checked there, on
 * the main thread, as for a snapshot read then).
 *
 * It was a worker thread that read the file and digested it before handing it over. On a 2-core VM
 * where memory touched for the first time is what a read costs (32 MB read into a new buffer ~100
 * ms, into one already touched ~5; the first pass over the bytes read, a SHA-256 or one byte a page,
 * ~45-65 ms, a second ~20), the worker's own start (~50 ms of CPU) and its passes competed with the
 * main thread for the second core: with 100,000 events stored, a start's CPU 724 -> 630 ms and its
 * ready line 433 -> 418 ms (medians of 30 alternating starts), read this way.
 *
 * Node built-ins only: `dist/emulator-early.js` (this and `earlyPreload.ts`) is loaded by the
 * CLI's loader before the main bundle, and the main bundle's copy of this module finds what that
 * one started through a process-wide registry.
 */
import * as fs from 'node:fs';

export const SNAPSHOT_FILE = 'store.sqlite';

export interface PreloadedSnapshot {
  data: Buffer;
  /** The file as it was read: a snapshot is only ever replaced by rename, so a new one differs. */
  stat: { ino: number; size: number; mtimeMs: number };
}

const REGISTRY = Symbol.for('mailtrap-emulator.snapshot-preloads');
type Registry = Map<string, Promise<PreloadedSnapshot | null>>;
const registry = (): Registry => ((globalThis as Record<symbol, Registry>)[REGISTRY] ??= new Map());

/** The whole file read on libuv's thread pool (usually one read(2)), with the file it read, or null. */
function readOnPool(file: string): Promise<PreloadedSnapshot | null> {
  return new Promise((resolve) => {
    let fd: number;
    let data: Buffer;
    let stat: PreloadedSnapshot['stat'];
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return resolve(null);
    }
    const done = (got: PreloadedSnapshot | null) => fs.close(fd, () => resolve(got));
    try {
      const st = fs.fstatSync(fd);
      stat = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
      data = Buffer.allocUnsafeSlow(st.size);
    } catch {
      return done(null);
    }
    const readFrom = (off: number): void => {
      if (off >= stat.size) return done({ data, stat });
      fs.read(fd, data, off, stat.size - off, off, (err, n) => (err || !n ? done(null) : readFrom(off + n)));
    };
    readFrom(0);
  });
}

/** Starts reading `file` (once per file per process); nothing if there is no such file. */
export function startSnapshotPreload(file: string): void {
  const preloads = registry();
  if (preloads.has(file) || !fs.existsSync(file)) return;
  preloads.set(file, readOnPool(file));
}

/** The preload started for `file`, if any, still to be taken. */
export const snapshotPreloadFor = (file: string): Promise<PreloadedSnapshot | null> | undefined => registry().get(file);

/** Every preload started in this process, each once: later calls get only newer ones. */
export function takeSnapshotPreloads(): [string, Promise<PreloadedSnapshot | null>][] {
  const preloads = registry();
  const all = [...preloads];
  preloads.clear();
  return all;
}
