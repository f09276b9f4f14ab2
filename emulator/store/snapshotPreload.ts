/**
 * Reading and digesting the data dir's snapshot on a worker thread, started before the emulator's
 * code is even compiled (issue 13, start-up): ~40 ms of reading and ~45 ms of SHA-256 for a 54 MB
 * snapshot run on the other core while the main thread loads the bundle.
 *
 * Node built-ins only: `dist/emulator-early.js` (this and `earlyPreload.ts`) is loaded by the
 * CLI's loader before the main bundle, and the main bundle's copy of this module finds what that
 * one started through a process-wide registry.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export const SNAPSHOT_FILE = 'store.sqlite';

export interface PreloadedSnapshot {
  data: Buffer;
  /** SHA-256 of `data`, hex. */
  digest: string;
  /** The file as it was read: a snapshot is only ever replaced by rename, so a new one differs. */
  stat: { ino: number; size: number; mtimeMs: number };
}

const REGISTRY = Symbol.for('mailtrap-emulator.snapshot-preloads');
type Registry = Map<string, Promise<PreloadedSnapshot | null>>;
const registry = (): Registry => ((globalThis as Record<symbol, Registry>)[REGISTRY] ??= new Map());

/** Runs in the worker: reads the file whole, digests it, and hands the bytes over (no copy). */
const WORKER = `
const { parentPort, workerData: file } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
let out = null;
try {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    const data = Buffer.allocUnsafeSlow(st.size);
    for (let off = 0; off < st.size; ) {
      const n = fs.readSync(fd, data, off, st.size - off, off);
      if (!n) throw new Error('short read');
      off += n;
    }
    out = { data, digest: createHash('sha256').update(data).digest('hex'), stat: { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } };
  } finally {
    fs.closeSync(fd);
  }
} catch {}
parentPort.postMessage(out, out ? [out.data.buffer] : []);
`;

/** Starts the worker for `file` (once per file per process); nothing if there is no such file. */
export function startSnapshotPreload(file: string): void {
  const preloads = registry();
  if (preloads.has(file) || !fs.existsSync(file)) return;
  preloads.set(
    file,
    new Promise((resolve) => {
      try {
        const worker = new Worker(WORKER, { eval: true, workerData: file });
        worker.unref();
        worker.once('message', (m: { data: Uint8Array; digest: string; stat: PreloadedSnapshot['stat'] } | null) =>
          resolve(m && { data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), digest: m.digest, stat: m.stat }),
        );
        worker.once('error', () => resolve(null));
        worker.once('exit', () => resolve(null)); // after the message, a no-op
      } catch {
        resolve(null);
      }
    }),
  );
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
