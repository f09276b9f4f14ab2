/**
 * The events read model, in memory (issue 13, fifth step).
 *
 * Every event was one SQLite row with two secondary indexes (by message id, by address): ~12–16 µs
 * of WebAssembly an event, the largest single cost of the delivery path, paid again by compaction
 * exporting those pages. Nothing on that path reads the rows: the engine builds batch bodies from
 * the JSON it already holds. So the events live here instead — each event's JSON as recorded, its
 * keys, and maps by message id, address and type — bounded by retention (the events cap).
 *
 * Durability is the store's, as for any write: an insert or a prune is journaled with the
 * transaction that makes it (`EVENT_OPS`: explicit ids, so replay makes the same rows), and a
 * snapshot carries the events in its `event_store` table (written only for the export, see
 * Store.compact). SQL that needs the events (email logs, a batch's journaled derivation) calls the
 * functions `eventFunctions` registers on the database.
 *
 * Changes inside a store transaction are undone if it rolls back (`begin` / `commit` / `rollback`).
 */
export interface EventRow {
  id: number;
  eventId: string;
  messageId: string;
  /** The payload's `event`. */
  type: string;
  /** The payload's `email`, lower-cased. */
  email: string;
  recordedAt: number;
  /** The payload as JSON, exactly as recorded and POSTed. */
  json: string;
}

export interface EventQuery {
  type?: string;
  messageId?: string;
  email?: string;
  beforeId?: number;
}

/** Journal op names (a journaled op whose SQL text starts with `@` is applied here, not by SQLite). */
export const EVENT_OPS = {
  /** params: per event `id, event_id, message_id, type, email, recorded_at, json`, flat. */
  insert: '@events.insert',
  /** params: inclusive id ranges `from, to, from, to, …`. */
  delete: '@events.delete',
} as const;

const WIDTH = 7;

/** Ids of one key (a message id, an address, a type), ascending; may hold deleted ids until compacted. */
class KeyIndex {
  private readonly ids = new Map<string, number[]>();
  private readonly live = new Map<string, number>();

  add(key: string, id: number): void {
    let list = this.ids.get(key);
    if (!list) this.ids.set(key, (list = []));
    list.push(id);
    this.live.set(key, (this.live.get(key) ?? 0) + 1);
  }

  /** Undo the newest `add` of `key` (a rolled-back insert: its ids are the newest). */
  pop(key: string): void {
    this.ids.get(key)?.pop();
    this.shift(key, -1);
  }

  shift(key: string, by: number): void {
    const n = (this.live.get(key) ?? 0) + by;
    if (n > 0) this.live.set(key, n);
    else this.live.delete(key);
  }

  count(key: string): number {
    return this.live.get(key) ?? 0;
  }

  list(key: string): readonly number[] {
    return this.ids.get(key) ?? [];
  }

  /** Drop deleted ids from the lists of `keys` (outside transactions only: a rollback may restore them). */
  compact(keys: Iterable<string>, alive: (id: number) => boolean): void {
    for (const key of keys) {
      const list = this.ids.get(key);
      if (!list || list.length <= 2 * (this.live.get(key) ?? 0)) continue;
      const kept = list.filter(alive);
      if (kept.length) this.ids.set(key, kept);
      else this.ids.delete(key);
    }
  }
}

export class EventLog {
  private readonly byId = new Map<number, EventRow>();
  /** Every id ever added and not yet compacted away, ascending; `byId` says which are alive. */
  private order: number[] = [];
  private head = 0;
  private readonly byMessage = new KeyIndex();
  private readonly byEmail = new KeyIndex();
  private readonly byType = new KeyIndex();
  private next = 1;
  /** Undo steps of the open transaction, newest last; null outside one. */
  private undo: (() => void)[] | null = null;
  /** Keys whose lists may hold deleted ids, compacted after the transaction. */
  private touched = new Set<EventRow>();

  get size(): number {
    return this.byId.size;
  }

  /** The id the next event gets (AUTOINCREMENT's: never one used before). */
  get nextId(): number {
    return this.next;
  }

  set nextId(id: number) {
    this.next = Math.max(this.next, id);
  }

  begin(): void {
    this.undo = [];
  }

  commit(): void {
    this.undo = null;
    this.tidy();
  }

  rollback(): void {
    const undo = this.undo ?? [];
    this.undo = null;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
    this.tidy();
  }

  /** `n` consecutive new ids; returns the first. */
  reserve(n: number): number {
    const first = this.next;
    const before = this.next;
    this.next += n;
    this.undo?.push(() => (this.next = before));
    return first;
  }

  add(rows: readonly EventRow[]): void {
    for (const r of rows) {
      if (r.id < (this.order[this.order.length - 1] ?? 0)) throw new Error(`event ${r.id} is older than the newest one`);
      this.byId.set(r.id, r);
      this.order.push(r.id);
      this.byMessage.add(r.messageId, r.id);
      this.byEmail.add(r.email, r.id);
      this.byType.add(r.type, r.id);
      if (r.id >= this.next) this.next = r.id + 1;
    }
    this.undo?.push(() => {
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        this.byId.delete(r.id);
        this.order.pop();
        this.byMessage.pop(r.messageId);
        this.byEmail.pop(r.email);
        this.byType.pop(r.type);
      }
    });
  }

  /** Delete events by id (absent ones are skipped); returns how many went. */
  delete(ids: Iterable<number>): number {
    const gone: EventRow[] = [];
    for (const id of ids) {
      const r = this.byId.get(id);
      if (!r) continue;
      this.byId.delete(id);
      this.byMessage.shift(r.messageId, -1);
      this.byEmail.shift(r.email, -1);
      this.byType.shift(r.type, -1);
      gone.push(r);
    }
    for (const r of gone) this.touched.add(r);
    this.undo?.push(() => {
      for (const r of gone) {
        this.byId.set(r.id, r);
        // The lists still hold the id: they are compacted only outside transactions.
        this.byMessage.shift(r.messageId, 1);
        this.byEmail.shift(r.email, 1);
        this.byType.shift(r.type, 1);
      }
    });
    if (!this.undo) this.tidy();
    return gone.length;
  }

  get(id: number): EventRow | undefined {
    return this.byId.get(id);
  }

  /** Events oldest first. */
  *ascending(): IterableIterator<EventRow> {
    for (let i = this.head; i < this.order.length; i++) {
      const r = this.byId.get(this.order[i]);
      if (r) yield r;
    }
  }

  /** The newest events that match, newest first, at most `limit`. */
  list(q: EventQuery, limit: number): EventRow[] {
    const out: EventRow[] = [];
    if (limit <= 0) return out;
    const ids = this.candidates(q);
    // Every candidate list is ascending: a page further back starts right below its cursor.
    const start = q.beforeId === undefined ? ids.length : lowerBound(ids, q.beforeId);
    for (let i = start - 1; i >= (ids === this.order ? this.head : 0); i--) {
      const id = ids[i];
      const r = this.byId.get(id);
      if (r && matches(r, q)) {
        out.push(r);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  count(q: EventQuery): number {
    const keys = [q.messageId !== undefined, q.email !== undefined, q.type !== undefined].filter(Boolean).length;
    if (q.beforeId === undefined && keys <= 1) {
      if (q.messageId !== undefined) return this.byMessage.count(q.messageId);
      if (q.email !== undefined) return this.byEmail.count(q.email);
      if (q.type !== undefined) return this.byType.count(q.type);
      return this.byId.size;
    }
    return this.list(q, Infinity).length;
  }

  /** The live events of a message, oldest first. */
  ofMessage(messageId: string): EventRow[] {
    const out: EventRow[] = [];
    for (const id of this.byMessage.list(messageId)) {
      const r = this.byId.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /** The flat params of `EVENT_OPS.insert` for `rows`. */
  static insertParams(rows: readonly EventRow[]): unknown[] {
    const p: unknown[] = new Array(rows.length * WIDTH);
    let k = 0;
    for (const r of rows) {
      p[k++] = r.id;
      p[k++] = r.eventId;
      p[k++] = r.messageId;
      p[k++] = r.type;
      p[k++] = r.email;
      p[k++] = r.recordedAt;
      p[k++] = r.json;
    }
    return p;
  }

  /** The params of `EVENT_OPS.delete` for `ids` (ascending): inclusive ranges. */
  static deleteParams(ids: readonly number[]): number[] {
    const p: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (i && ids[i] === ids[i - 1] + 1) p[p.length - 1] = ids[i];
      else p.push(ids[i], ids[i]);
    }
    return p;
  }

  /** Apply a journaled op of `EVENT_OPS`; false if `sql` is none of them. */
  apply(sql: string, params: unknown[]): boolean {
    if (sql === EVENT_OPS.insert) {
      const rows: EventRow[] = [];
      for (let k = 0; k + WIDTH <= params.length; k += WIDTH) {
        rows.push({
          id: Number(params[k]),
          eventId: String(params[k + 1]),
          messageId: String(params[k + 2]),
          type: String(params[k + 3]),
          email: String(params[k + 4]),
          recordedAt: Number(params[k + 5]),
          json: String(params[k + 6]),
        });
      }
      this.add(rows);
      return true;
    }
    if (sql === EVENT_OPS.delete) {
      const ids: number[] = [];
      for (let k = 0; k + 1 < params.length; k += 2) for (let id = Number(params[k]); id <= Number(params[k + 1]); id++) if (this.byId.has(id)) ids.push(id);
      this.delete(ids);
      return true;
    }
    return false;
  }

  /** The live events as snapshot chunks of at most `per` lines: `[id, event_id, message_id, type, email, recorded_at]` TAB json. */
  chunks(per: number): string[] {
    const out: string[] = [];
    let lines: string[] = [];
    for (const r of this.ascending()) {
      lines.push(`${JSON.stringify([r.id, r.eventId, r.messageId, r.type, r.email, r.recordedAt])}\t${r.json}`);
      if (lines.length >= per) out.push(lines.join('\n')), (lines = []);
    }
    if (lines.length) out.push(lines.join('\n'));
    return out;
  }

  /** Add the events of a chunk made by `chunks` (JSON text never holds a raw newline or tab). */
  loadChunk(text: string): void {
    const rows: EventRow[] = [];
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      const [id, eventId, messageId, type, email, recordedAt] = JSON.parse(line.slice(0, tab)) as [number, string, string, string, string, number];
      rows.push({ id, eventId, messageId, type, email, recordedAt, json: line.slice(tab + 1) });
    }
    this.add(rows);
  }

  /** The candidate ids of a query, ascending: the smallest key list it names, or every id. */
  private candidates(q: EventQuery): readonly number[] {
    let best: readonly number[] | null = null;
    const consider = (list: readonly number[]) => {
      if (best === null || list.length < best.length) best = list;
    };
    if (q.messageId !== undefined) consider(this.byMessage.list(q.messageId));
    if (q.email !== undefined) consider(this.byEmail.list(q.email));
    if (q.type !== undefined) consider(this.byType.list(q.type));
    return best ?? this.order;
  }

  /** After a transaction: drop deleted ids from the lists that grew mostly dead. */
  private tidy(): void {
    if (this.undo) return;
    if (this.touched.size) {
      const alive = (id: number) => this.byId.has(id);
      const rows = [...this.touched];
      this.touched = new Set();
      this.byMessage.compact(new Set(rows.map((r) => r.messageId)), alive);
      this.byEmail.compact(new Set(rows.map((r) => r.email)), alive);
      this.byType.compact(new Set(rows.map((r) => r.type)), alive);
    }
    while (this.head < this.order.length && !this.byId.has(this.order[this.head])) this.head++;
    if (this.head > 4096 && this.head > this.order.length / 2) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

/** The index of the first id at or above `id` in an ascending list. */
function lowerBound(ids: readonly number[], id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matches(r: EventRow, q: EventQuery): boolean {
  return (q.type === undefined || r.type === q.type) && (q.messageId === undefined || r.messageId === q.messageId) && (q.email === undefined || r.email === q.email);
}
