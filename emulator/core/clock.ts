/**
 * The virtual clock. Every timer, timeout, retry interval and payload timestamp in the core
 * reads this clock; nothing in `core/` touches `Date.now()` or `setTimeout` directly.
 *
 * virtual now = anchorVirtual + (real now - anchorReal) × scale
 *
 * `advance(ms)` jumps ahead, firing every timer that falls due on the way, in due order, with
 * `now()` equal to each timer's due time while it runs. Callbacks may be async (a webhook POST);
 * advance waits for them so a retry scheduled by an attempt is itself fired in the same advance.
 * A callback that waits on the outside world (a receiver that never answers) must not stall the
 * clock: after `graceMs` of real time during which this process was mostly idle, advance moves
 * on (the attempt's virtual timeout then fires as time moves past it). While the process is busy
 * (the callback is still working, or the machine is loaded) it keeps waiting, up to
 * `MAX_BUSY_WAIT_MS`: a slow machine must not turn a prompt receiver into a late one.
 */

/** The real-time source, injected by the composition root (or a fake in tests). */
export interface RealTime {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Milliseconds this process has spent busy (not waiting for I/O) since some fixed point, e.g.
   * from `performance.eventLoopUtilization()`. Absent: every grace ends after `graceMs`.
   */
  busyMs?(): number;
}

/** The longest advance waits for one callback while the process stays busy. */
const MAX_BUSY_WAIT_MS = 30_000;

export interface Timer {
  readonly due: number;
  cancel(): void;
}

export interface Clock {
  /** Virtual epoch milliseconds. */
  now(): number;
  /** Run `fn` when virtual time reaches `due` (epoch ms). A past `due` fires on the next tick. */
  at(due: number, fn: () => unknown): Timer;
  /** Run `fn` after `ms` virtual milliseconds. */
  after(ms: number, fn: () => unknown): Timer;
}

export interface ClockInfo {
  now: number;
  iso: string;
  unix: number;
  scale: number;
  pendingTimers: number;
  nextDue: number | null;
}

export interface AdvanceResult {
  from: number;
  to: number;
  fired: number;
}

interface Entry extends Timer {
  fn: () => unknown;
  seq: number;
  cancelled: boolean;
}

/** Real timers cannot wait longer than a signed 32-bit millisecond count. */
const MAX_REAL_DELAY = 2 ** 31 - 1;

export class VirtualClock implements Clock {
  private anchorReal: number;
  private anchorVirtual: number;
  private readonly queue: Entry[] = [];
  private seq = 0;
  private realHandle: unknown = null;
  private advancing: Promise<AdvanceResult> | null = null;
  private stopped = false;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly real: RealTime,
    readonly scale = 1,
    startAt?: number,
    private readonly graceMs = 1000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError('time scale must be a positive number');
    this.anchorReal = real.now();
    this.anchorVirtual = startAt ?? this.anchorReal;
  }

  now(): number {
    return Math.floor(this.anchorVirtual + (this.real.now() - this.anchorReal) * this.scale);
  }

  at(due: number, fn: () => unknown): Timer {
    const entry: Entry = {
      due,
      fn,
      seq: this.seq++,
      cancelled: false,
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        if (i === 0) this.arm();
      },
    };
    // Keep the queue sorted by (due, seq): binary search for the insertion point.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.queue[mid].due <= due) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, entry);
    if (lo === 0) this.arm();
    return entry;
  }

  after(ms: number, fn: () => unknown): Timer {
    return this.at(this.now() + ms, fn);
  }

  info(): ClockInfo {
    const now = this.now();
    return {
      now,
      iso: new Date(now).toISOString(),
      unix: Math.floor(now / 1000),
      scale: this.scale,
      pendingTimers: this.queue.length,
      nextDue: this.queue.length ? this.queue[0].due : null,
    };
  }

  /** Jump `ms` ahead, firing everything due on the way, in order. Calls are serialised. */
  advance(ms: number): Promise<AdvanceResult> {
    if (!(ms >= 0) || !Number.isFinite(ms)) return Promise.reject(new RangeError('advance needs a non-negative number'));
    const run = async (): Promise<AdvanceResult> => {
      const from = this.now();
      const target = from + ms;
      let fired = 0;
      while (this.queue.length && this.queue[0].due <= target) {
        const entry = this.queue.shift()!;
        if (entry.due > this.now()) this.jumpTo(entry.due);
        fired++;
        await this.settle(this.fire(entry));
      }
      if (target > this.now()) this.jumpTo(target);
      // `to` is where the jump took the clock, not a later read: real time keeps running while
      // the advance works, and the answer must say it moved by exactly `ms`.
      return { from, to: target, fired };
    };
    const previous = this.advancing ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    this.advancing = next;
    void next.finally(() => {
      if (this.advancing === next) this.advancing = null;
      this.arm();
    });
    return next;
  }

  /** Wait until callbacks fired so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  stop(): void {
    this.stopped = true;
    if (this.realHandle !== null) this.real.clearTimeout(this.realHandle);
    this.realHandle = null;
  }

  private jumpTo(virtual: number): void {
    this.anchorReal = this.real.now();
    this.anchorVirtual = virtual;
  }

  private fire(entry: Entry): Promise<unknown> {
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(entry.fn());
    } catch (err) {
      result = Promise.reject(err);
    }
    const tracked = result.catch(this.onError);
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
    return tracked;
  }

  private async settle(p: Promise<unknown>): Promise<void> {
    let done = false;
    const finished = () => (done = true);
    p.then(finished, finished);
    for (let waited = 0; ; waited += this.graceMs) {
      const busyBefore = this.real.busyMs?.();
      let handle: unknown = null;
      const grace = new Promise<void>((resolve) => {
        handle = this.real.setTimeout(resolve, this.graceMs);
      });
      await Promise.race([p, grace]);
      this.real.clearTimeout(handle);
      if (done) return;
      // Mostly idle through the grace: the callback waits on something outside; move on.
      const busy = busyBefore === undefined ? 0 : this.real.busyMs!() - busyBefore;
      if (busy < this.graceMs / 2 || waited + this.graceMs >= MAX_BUSY_WAIT_MS) return;
    }
  }

  /** (Re)arm the single real timer for the earliest due entry. */
  private arm(): void {
    if (this.realHandle !== null) this.real.clearTimeout(this.realHandle);
    this.realHandle = null;
    if (this.stopped || this.advancing || !this.queue.length) return;
    const wait = Math.max(0, (this.queue[0].due - this.now()) / this.scale);
    this.realHandle = this.real.setTimeout(() => {
      this.realHandle = null;
      this.fireDue();
    }, Math.min(Math.ceil(wait), MAX_REAL_DELAY));
  }

  private fireDue(): void {
    if (this.advancing) return;
    const now = this.now();
    while (this.queue.length && this.queue[0].due <= now) this.fire(this.queue.shift()!);
    this.arm();
  }
}
