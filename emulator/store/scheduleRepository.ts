/**
 * sql.js side of lifecycle scheduling (issue 13). Every recipient of every send gets a row here
 * that is deleted again a few virtual seconds later: the rows are read-model rows (deferredRows.ts,
 * journaled at once, written into SQLite only if something reads the table first), and the
 * scheduler reads a working copy in memory that follows the committed rows (`afterCommit`), one
 * per store, loaded from SQLite when first used (at start, after the journal was replayed).
 */
import { jsonString, type JsonText } from '../core/jsonText';
import type { Planned, ScheduledItem } from '../core/sending/lifecycle';
import type { ScheduledEvent, ScheduleRepository } from '../core/sending/model';
import type { SqlValue } from 'sql.js';
import { perStore, type Store } from './database';

/**
 * A row of `scheduled_events`: `id, due_at, payload` (what goes into SQLite: deferredRows.ts writes
 * a row's first three values), then, when this process planned it, the item itself: what falls due
 * is then used as is, not parsed back from its text (rows loaded at start have only the text). The
 * same array is the waiting row and the schedule's entry: one object a recipient, not three.
 */
type Pending = [id: number, dueAt: number, json: JsonText, item?: ScheduledItem];

/** The message an item is about (every item names one): retention spares it while it waits. A row loaded at start keeps its item once parsed. */
const messageIdOf = (p: Pending): string => String((p[3] ??= JSON.parse(jsonString(p[2])) as ScheduledItem).message_id);

/** The committed rows by due time; within one due time in id order (ids only grow). */
class Schedule {
  private readonly byDue = new Map<number, Pending[]>();
  /** The due times in `byDue`, ascending. */
  private dues: number[] = [];
  size = 0;
  /** The last `through` answer: the scheduler asks for the due rows and then deletes them. */
  private last: { at: number; rows: Pending[] } | null = null;

  add(p: Pending): void {
    this.last = null;
    const dueAt = p[1];
    let list = this.byDue.get(dueAt);
    if (!list) {
      this.byDue.set(dueAt, (list = []));
      let lo = 0;
      let hi = this.dues.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.dues[mid] < dueAt) lo = mid + 1;
        else hi = mid;
      }
      this.dues.splice(lo, 0, dueAt);
    }
    list.push(p);
    this.size++;
  }

  through(at: number): Pending[] {
    if (this.last?.at === at) return this.last.rows;
    const out: Pending[] = [];
    for (let i = 0; i < this.dues.length && this.dues[i] <= at; i++) {
      const list = this.byDue.get(this.dues[i])!;
      for (let k = 0; k < list.length; k++) out.push(list[k]);
    }
    this.last = { at, rows: out };
    return out;
  }

  removeThrough(at: number): void {
    this.last = null;
    let k = 0;
    while (k < this.dues.length && this.dues[k] <= at) {
      this.size -= this.byDue.get(this.dues[k])!.length;
      this.byDue.delete(this.dues[k]);
      k++;
    }
    if (k) this.dues = this.dues.slice(k);
  }

  first(): number | null {
    return this.dues.length ? this.dues[0] : null;
  }

  messageIds(): Set<string> {
    const out = new Set<string>();
    for (const list of this.byDue.values()) for (const p of list) out.add(messageIdOf(p));
    return out;
  }

  /** The distinct due times, ascending. */
  dueTimes(): number[] {
    return this.dues.slice();
  }
}

const schedules = perStore((store) => {
  const s = new Schedule();
  for (const r of store.all('SELECT id, due_at, payload FROM scheduled_events ORDER BY due_at, id')) {
    s.add([Number(r.id), Number(r.due_at), String(r.payload)]);
  }
  return s;
});

/** The messages with lifecycle items still scheduled (committed ones). */
export const pendingMessageIds = (store: Store): Set<string> => schedules(store).messageIds();

export class SqlScheduleRepository implements ScheduleRepository {
  private readonly schedule: Schedule;

  constructor(private readonly store: Store) {
    this.schedule = schedules(store);
  }

  insert(dueAt: number, payload: ScheduledItem): void {
    this.insertMany([{ dueAt, item: payload }]);
  }

  insertMany(items: readonly Planned[]): void {
    if (!items.length) return;
    this.store.transaction(() => {
      const first = this.store.reserveIds('scheduled_events', items.length);
      const added: Pending[] = new Array(items.length);
      for (let k = 0; k < items.length; k++) {
        const { dueAt, item, json } = items[k];
        added[k] = [first + k, dueAt, json ?? JSON.stringify(item), item];
      }
      this.store.deferInsert('scheduled_events', added as unknown as SqlValue[][]);
      this.store.afterCommit(() => {
        for (let k = 0; k < added.length; k++) this.schedule.add(added[k]);
      });
    });
  }

  deleteDue(at: number): void {
    const ids = this.schedule.through(at).map((p) => p[0]);
    if (!ids.length) return;
    let last = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] > last) last = ids[i];
    // Exactly those rows (ids grow): not a row the same transaction added before this, due already.
    this.store.deleteDeferred('scheduled_events', ids, 'DELETE FROM scheduled_events WHERE due_at <= ? AND id <= ?', [at, last]);
    this.store.afterCommit(() => this.schedule.removeThrough(at));
  }

  due(at: number): ScheduledEvent[] {
    return this.schedule.through(at).map((p) => ({ id: p[0], dueAt: p[1], payload: p[3] ?? (JSON.parse(jsonString(p[2])) as ScheduledItem), json: p[2] }));
  }

  nextDue(): number | null {
    return this.schedule.first();
  }

  dueTimes(): number[] {
    return this.schedule.dueTimes();
  }

  count(): number {
    return this.schedule.size;
  }
}
