/**
 * The delivery queue in memory (issue 13): which recorded events wait for which webhook's next
 * batch. Every event a webhook gets waits here from its recording until its batch is made, so the
 * queue was one `delivery_queue` row per event, inserted and deleted again a moment later: ~6 µs
 * an event of read-model bookkeeping and journal on the delivery path, for a table only a restart
 * and retention read.
 *
 * Now the journal says what happened in a few numbers (`QUEUE_OPS`; an enqueue of consecutive
 * events for one webhook is one run), and replay applies it here. A snapshot holds the queue as
 * runs too, one `meta` value (written for the export, deleted after it, as the events' chunks
 * are): tens of thousands of queued events as rows were ~5 µs each at every compaction. Older data
 * directories hold it as `delivery_queue` rows, in the snapshot and in journal SQL. Both move into
 * memory before the first op of the new kind replays, or once the replay is over
 * (`moveFromTable`); old ops always precede new ones in a journal.
 *
 * Queue ids keep AUTOINCREMENT's rule: never given twice (the next one is kept in `meta`).
 */
import type { Database as SqlJsDatabase } from 'sql.js';
import { hasTable } from './sqlJs';

export interface QueueEntry {
  id: number;
  webhookId: number;
  eventRowId: number;
  queuedAt: number;
}

/** Journal op names (applied here at replay, not by SQLite). */
export const QUEUE_OPS = {
  /** params: `first_id, queued_at`, then runs of `webhook_id, first_event_row_id, count`: ids follow on from `first_id`. */
  add: '@queue.add',
  /** params: `webhook_id, last_id`: the webhook's entries up to that id leave (its oldest). */
  take: '@queue.take',
  /** params: `webhook_id`: all of its entries leave. */
  clear: '@queue.clear',
} as const;

const NEXT_ID_KEY = 'queue_next_id';
/** The snapshot's queue: JSON of runs `id, webhook_id, event_row_id, queued_at, count, …` (ids and event rows consecutive within a run). */
const RUNS_KEY = 'queue_runs';

/** Consecutive entries of one webhook: ids and event rows both follow on, one time. */
interface Run {
  id: number;
  eventRowId: number;
  queuedAt: number;
  n: number;
}

/** One webhook's entries in id order, as runs (an enqueue of consecutive events is one); taken from the front. */
class Lane {
  private runs: Run[] = [];
  private head = 0;
  size = 0;

  /** Append entries with ids above every entry here. */
  push(id: number, eventRowId: number, queuedAt: number, n: number): void {
    const last = this.runs.length > this.head ? this.runs[this.runs.length - 1] : undefined;
    if (last && last.id + last.n === id && last.eventRowId + last.n === eventRowId && last.queuedAt === queuedAt) last.n += n;
    else this.runs.push({ id, eventRowId, queuedAt, n });
    this.size += n;
  }

  /** Remove the last `n` entries (undo of `push`s, newest first). */
  pop(n: number): void {
    this.size -= n;
    while (n > 0) {
      const last = this.runs[this.runs.length - 1];
      const k = Math.min(n, last.n);
      last.n -= k;
      n -= k;
      if (!last.n) this.runs.pop();
    }
  }

  /** Remove the entries with ids up to `lastId` from the front; returns them as runs. */
  takeThrough(lastId: number): Run[] {
    const taken: Run[] = [];
    while (this.head < this.runs.length) {
      const r = this.runs[this.head];
      if (r.id > lastId) break;
      const k = Math.min(r.n, lastId - r.id + 1);
      taken.push({ id: r.id, eventRowId: r.eventRowId, queuedAt: r.queuedAt, n: k });
      this.size -= k;
      if (k === r.n) this.head++;
      else {
        r.id += k;
        r.eventRowId += k;
        r.n -= k;
      }
    }
    if (this.head > 64 && this.head * 2 > this.runs.length) {
      this.runs = this.runs.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** Put runs taken from the front back (a rolled-back transaction). */
  putBack(taken: Run[]): void {
    this.runs = taken.map((r) => ({ ...r })).concat(this.runs.slice(this.head));
    this.head = 0;
    for (const r of taken) this.size += r.n;
  }

  /** The event rows of up to `max` entries from the front with ids up to `upTo`, oldest first, and the last one's id (0: none). */
  front(max: number, upTo = Number.MAX_SAFE_INTEGER): { eventRowIds: number[]; through: number } {
    const eventRowIds: number[] = [];
    let through = 0;
    for (let i = this.head; i < this.runs.length && eventRowIds.length < max; i++) {
      const r = this.runs[i];
      if (r.id > upTo) break;
      const k = Math.min(r.n, max - eventRowIds.length, upTo - r.id + 1);
      for (let j = 0; j < k; j++) eventRowIds.push(r.eventRowId + j);
      if (k) through = r.id + k - 1;
    }
    return { eventRowIds, through };
  }

  /** When the oldest entry was queued (undefined: none is). */
  get oldestQueuedAt(): number | undefined {
    for (let i = this.head; i < this.runs.length; i++) if (this.runs[i].n) return this.runs[i].queuedAt;
    return undefined;
  }

  eachRun(fn: (r: Run) => void): void {
    for (let i = this.head; i < this.runs.length; i++) if (this.runs[i].n) fn(this.runs[i]);
  }

  *entries(webhookId: number): IterableIterator<QueueEntry> {
    for (let i = this.head; i < this.runs.length; i++) {
      const r = this.runs[i];
      for (let j = 0; j < r.n; j++) yield { id: r.id + j, webhookId, eventRowId: r.eventRowId + j, queuedAt: r.queuedAt };
    }
  }
}

export class QueueLog {
  private readonly lanes = new Map<number, Lane>();
  private count = 0;
  /** The next queue id (ids only grow). */
  nextId = 1;
  /** While a store transaction is open: how to undo what it did here. */
  private undo: (() => void)[] | null = null;

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.undo = [];
  }

  commit(): void {
    this.undo = null;
  }

  rollback(): void {
    const undo = this.undo ?? [];
    this.undo = null;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
  }

  /** Queue `entries` (in order) with consecutive new ids; returns the first, and the journal op that says so. */
  add(entries: readonly { webhookId: number; eventRowId: number }[], queuedAt: number): { first: number; params: number[] } {
    const first = this.nextId;
    const params = [first, queuedAt];
    let run = -1;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const prev = i ? entries[i - 1] : undefined;
      if (prev && prev.webhookId === e.webhookId && prev.eventRowId + 1 === e.eventRowId) params[run + 2]++;
      else run = params.push(e.webhookId, e.eventRowId, 1) - 3;
    }
    this.applyAdd(params);
    return { first, params };
  }

  /** The webhook's entries with ids up to `lastId` leave. */
  take(webhookId: number, lastId: number): void {
    const lane = this.lanes.get(webhookId);
    if (!lane) return;
    const before = lane.size;
    const taken = lane.takeThrough(lastId);
    const n = before - lane.size;
    this.count -= n;
    if (n) this.undo?.push(() => (lane.putBack(taken), (this.count += n)));
  }

  /** All of the webhook's entries leave; returns how many. */
  clear(webhookId: number): number {
    const lane = this.lanes.get(webhookId);
    if (!lane?.size) return 0;
    const n = lane.size;
    const taken = lane.takeThrough(Number.MAX_SAFE_INTEGER);
    this.count -= n;
    this.undo?.push(() => (lane.putBack(taken), (this.count += n)));
    return n;
  }

  /** The event rows of the webhook's oldest `max` entries at most, in id order, and the last one's id (0: none). */
  front(webhookId: number, max: number, upTo?: number): { eventRowIds: number[]; through: number } {
    return this.lanes.get(webhookId)?.front(max, upTo) ?? { eventRowIds: [], through: 0 };
  }

  /** Each webhook with entries, and when its oldest was queued. */
  waiting(): { webhookId: number; oldestQueuedAt: number }[] {
    const out: { webhookId: number; oldestQueuedAt: number }[] = [];
    for (const [webhookId, lane] of this.lanes) {
      const at = lane.oldestQueuedAt;
      if (at !== undefined) out.push({ webhookId, oldestQueuedAt: at });
    }
    return out;
  }

  /** Every entry, in id order. */
  all(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (const [webhookId, lane] of this.lanes) for (const e of lane.entries(webhookId)) out.push(e);
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * The row ids of the events queued for any webhook, as ranges `[from, to]` (inclusive), ascending
   * and apart: one per run of consecutive events, not one entry per event (retention asks at every
   * check, with tens of thousands queued).
   */
  eventRowRanges(): [number, number][] {
    const runs: [number, number][] = [];
    for (const lane of this.lanes.values()) lane.eachRun((r) => runs.push([r.eventRowId, r.eventRowId + r.n - 1]));
    runs.sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const r of runs) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  }

  /** Apply a journaled op of `QUEUE_OPS`; false if `sql` is none of them. */
  apply(sql: string, params: unknown[]): boolean {
    const p = params.map(Number);
    if (sql === QUEUE_OPS.add) this.applyAdd(p);
    else if (sql === QUEUE_OPS.take) this.take(p[0], p[1]);
    else if (sql === QUEUE_OPS.clear) this.clear(p[0]);
    else return false;
    return true;
  }

  private applyAdd(params: readonly number[]): void {
    let id = params[0];
    const queuedAt = params[1];
    const added: [Lane, number][] = [];
    for (let k = 2; k + 2 < params.length; k += 3) {
      const lane = this.lane(params[k]);
      lane.push(id, params[k + 1], queuedAt, params[k + 2]);
      added.push([lane, params[k + 2]]);
      id += params[k + 2];
      this.count += params[k + 2];
    }
    const before = this.nextId;
    if (id > this.nextId) this.nextId = id;
    // Undone after everything later in the transaction: the entries are again the lanes' last.
    this.undo?.push(() => {
      for (let i = added.length - 1; i >= 0; i--) added[i][0].pop(added[i][1]), (this.count -= added[i][1]);
      this.nextId = before;
    });
  }

  private lane(webhookId: number): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) this.lanes.set(webhookId, (lane = new Lane()));
    return lane;
  }

  /**
   * Move the queue `db` holds (a snapshot's runs, and `delivery_queue` rows an older data
   * directory left) into memory, with the next id; returns how many entries moved. Not journaled:
   * replaying the same journal onto the same snapshot moves the same entries again.
   */
  moveFromTable(db: SqlJsDatabase): number {
    if (!hasTable(db, 'delivery_queue')) return 0;
    const entries = (db.exec('SELECT id, webhook_id, event_row_id, queued_at FROM delivery_queue ORDER BY id')[0]?.values ?? []).map(
      ([id, webhookId, eventRowId, queuedAt]) => ({ id: Number(id), webhookId: Number(webhookId), eventRowId: Number(eventRowId), queuedAt: Number(queuedAt) }),
    );
    const meta = (key: string) => db.exec('SELECT value FROM meta WHERE key = ?', [key])[0]?.values[0][0];
    const runs = meta(RUNS_KEY);
    if (runs !== undefined) {
      const r = JSON.parse(String(runs)) as number[];
      for (let k = 0; k + 4 < r.length; k += 5) {
        for (let j = 0; j < r[k + 4]; j++) entries.push({ id: r[k] + j, webhookId: r[k + 1], eventRowId: r[k + 2] + j, queuedAt: r[k + 3] });
      }
      entries.sort((a, b) => a.id - b.id);
    }
    this.nextId = Math.max(
      this.nextId,
      Number(db.exec("SELECT seq FROM sqlite_sequence WHERE name = 'delivery_queue'")[0]?.values[0][0] ?? 0) + 1,
      Number(meta(NEXT_ID_KEY) ?? 0),
      (entries.at(-1)?.id ?? 0) + 1,
    );
    if (!entries.length) return 0;
    for (const e of entries) this.lane(e.webhookId).push(e.id, e.eventRowId, e.queuedAt, 1);
    this.count += entries.length;
    db.run('DELETE FROM delivery_queue');
    QueueLog.clearSnapshot(db);
    return entries.length;
  }

  /** The statements that put the queue into the database for a snapshot's export: its runs, and the next id. */
  *snapshotRows(): IterableIterator<{ sql: string; params: (string | number)[] }> {
    const upsert = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value';
    yield { sql: upsert, params: [NEXT_ID_KEY, String(this.nextId)] };
    const runs: number[] = [];
    let last: QueueEntry | undefined;
    for (const e of this.all()) {
      const n = runs.length;
      if (last && e.id === last.id + 1 && e.webhookId === last.webhookId && e.eventRowId === last.eventRowId + 1 && e.queuedAt === last.queuedAt) runs[n - 1]++;
      else runs.push(e.id, e.webhookId, e.eventRowId, e.queuedAt, 1);
      last = e;
    }
    if (runs.length) yield { sql: upsert, params: [RUNS_KEY, JSON.stringify(runs)] };
  }

  /** After the export: the runs leave the database again (memory holds them). */
  static clearSnapshot(db: SqlJsDatabase): void {
    db.run('DELETE FROM meta WHERE key = ?', [RUNS_KEY]);
  }
}
