/**
 * A large JSON Lines replay's lines checked and made into events on both cores (issue 13): the
 * worker thread (`replayWorker.ts`) takes the back half of the lines while this thread takes the
 * front half; the events are then recorded here, in line order, in one transaction, as a replay
 * made on one thread is. The delivery engine's figure feeds 20,000-line requests whose line work
 * (check, fresh id, JSON) was ~55 % of a request, with the machine's other core idle meanwhile.
 *
 * Only what the worker would make the same way is shared: bytes without `keep_ids`. Anything
 * else, a line refused on either side, a worker that is gone or never started: the caller takes
 * the whole replay on its own, as ever, and answers for every line (`make` resolves undefined).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { MAX_REPLAY_EVENTS, replayEvents, unpackReplay, type ReplayEvents } from '../core/replay';
import type { ReplayWork, ReplayWorkDone } from '../replayWorker';

/** Bodies from this many bytes on (~4,000 of the bench's lines) are shared with the worker. */
export const SHARED_FROM = 1 << 20;
/** The share of a body's bytes the worker takes: this thread also records all of them. */
const WORKER_SHARE = 0.5;

/** The worker's script: the bundle's `dist/emulator-lines.js`, or the source under tsx; none from elsewhere (the library's bundle). */
export function replayWorkerScript(): string | null {
  return [path.join(__dirname, 'emulator-lines.js'), path.join(__dirname, '..', 'replayWorker.ts')].find((f) => existsSync(f)) ?? null;
}

export class ReplayLines {
  private worker: Worker | null = null;
  private gone = false;
  private nextId = 1;
  private readonly pending = new Map<number, (d: ReplayWorkDone) => void>();
  /**
   * The buffer the last replay's back half went to the worker in, handed back: the next one's goes
   * in it. A new 3 MB buffer each request was memory touched for the first time, which costs on a
   * VM that backs each page then (~4–9 µs a page on the bench machine).
   */
  private spare: ArrayBuffer | null = null;

  /** `script`: the worker's (null: none); by default `replayWorkerScript()`, looked for by the first large replay, not at start. */
  constructor(
    private readonly uuid: () => string,
    private script?: string | null,
  ) {}

  /**
   * The events of `body` (a replay's JSON Lines, without `keep_ids`) made at `now`, in line order
   * as parts, or undefined when the caller is to make them itself (a small body, no worker, any
   * line refused, more than `MAX_REPLAY_EVENTS`).
   */
  async make(body: Uint8Array, now: number): Promise<ReplayEvents[] | undefined> {
    if (body.length < SHARED_FROM) return undefined;
    const worker = this.started();
    if (!worker) return undefined;
    const cut = body.indexOf(0x0a, Math.floor(body.length * (1 - WORKER_SHARE)));
    if (cut < 0) return undefined;
    // The back half's bytes, moved to the worker (a copy of its own: this thread keeps the body).
    const length = body.length - cut - 1;
    const lines = this.spare !== null && this.spare.byteLength >= length ? this.spare : new ArrayBuffer(length);
    this.spare = null;
    new Uint8Array(lines, 0, length).set(body.subarray(cut + 1));
    const id = this.nextId++;
    const answer = new Promise<ReplayWorkDone>((resolve) => this.pending.set(id, resolve));
    const work: ReplayWork = { id, lines, length, now };
    worker.postMessage(work, [lines]);
    let front: ReplayEvents | undefined;
    try {
      front = replayEvents(body.subarray(0, cut), { keepIds: false, now, uuid: this.uuid });
    } catch {
      front = undefined; // refused here: the caller answers for the whole body
    }
    const back = await answer;
    if (!front || !back.ok) return undefined;
    const rest = unpackReplay(back.packed);
    if (front.payloads.length + rest.payloads.length > MAX_REPLAY_EVENTS) return undefined;
    return [front, rest];
  }

  /** Ends the worker (the emulator's close). */
  async close(): Promise<void> {
    this.gone = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.settleAll();
  }

  private started(): Worker | null {
    if (this.script === undefined) this.script = replayWorkerScript();
    if (this.worker || this.gone || !this.script) return this.worker;
    try {
      // Required here: a replay under 1 MB never loads it.
      const { Worker: W } = require('node:worker_threads') as typeof import('node:worker_threads');
      // From sources (tests under tsx) the worker loads tsx itself: a worker's modules do not go through the parent's loader hooks.
      const w = this.script.endsWith('.ts') ? new W(`require('tsx/cjs'); require(${JSON.stringify(this.script)});`, { eval: true }) : new W(this.script);
      w.unref();
      w.on('message', (d: ReplayWorkDone) => {
        if (d.lines && (this.spare === null || d.lines.byteLength > this.spare.byteLength)) this.spare = d.lines;
        const resolve = this.pending.get(d.id);
        this.pending.delete(d.id);
        resolve?.(d);
      });
      const end = () => {
        this.gone = true;
        if (this.worker === w) this.worker = null;
        this.settleAll();
      };
      w.on('error', end);
      w.on('exit', end);
      this.worker = w;
    } catch {
      this.gone = true;
    }
    return this.worker;
  }

  /** Every pending part answered `ok: false` (the callers then take their bodies themselves). */
  private settleAll(): void {
    for (const [id, resolve] of this.pending) resolve({ id, ok: false });
    this.pending.clear();
  }
}
