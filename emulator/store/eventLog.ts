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
  /**
   * params: per event `id, recorded_at, json`, flat. The keys are read back from the JSON at replay
   * (`keysOf`): carrying them too was a fifth of the journal an event, so a fifth more compactions.
   */
  insert: '@events.insert',
  /** params: inclusive id ranges `from, to, from, to, …`. */
  delete: '@events.delete',
} as const;

const WIDTH = 3;

/** The keys of an event as the store keeps them, from its recorded JSON: the payload's ids and `event`, its address lower-cased. */
export function keysOf(json: string): Pick<EventRow, 'eventId' | 'messageId' | 'type' | 'email'> {
  const p = JSON.parse(json) as { event_id: string; message_id: string; event: string; email: string };
  return { eventId: String(p.event_id), messageId: String(p.message_id), type: String(p.event), email: String(p.email).toLowerCase() };
}

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

/** The three key indexes, built at the first read that filters (the delivery path never does). */
interface Keys {
  byMessage: KeyIndex;
  byEmail: KeyIndex;
  byType: KeyIndex;
}

export class EventLog {
  /** Events by id: `rows[id - base]`, undefined for an id deleted (or never used). Ascending by construction. */
  private rows: (EventRow | undefined)[] = [];
  private base = 1;
  /** Index of the first slot that may hold an event. */
  private head = 0;
  private live = 0;
  private keys: Keys | null = null;
  private next = 1;
  /** Undo steps of the open transaction, newest last; null outside one. */
  private undo: (() => void)[] | null = null;
  /** Events deleted since the last tidy: their keys' lists may have grown mostly dead. */
  private touched: EventRow[] = [];
  /**
   * A snapshot's chunks not read yet (see `chunks`), oldest first, and how many events they hold:
   * opening a store reads and parses none (start-up budget); the first access, or `hydrateSome` a
   * chunk a turn after the ready line, does. Rows are only ever added once every chunk is in, so
   * the rows in memory are always older than the chunks still pending.
   */
  private pending: { key: number; events: number }[] = [];
  private pendingCount = 0;
  /** Where a pending chunk's text is read from (the snapshot's database, wherever it is now). */
  private source: ((key: number) => string) | null = null;

  get size(): number {
    return this.live + this.pendingCount;
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
    this.hydrate();
    const before = { rows: this.rows, length: this.rows.length, base: this.base, head: this.head };
    this.append(rows);
    this.undo?.push(() => {
      // Later undo steps ran first: every row is in its slot again, its id last in its key lists.
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        this.live--;
        if (this.keys) {
          this.keys.byMessage.pop(r.messageId);
          this.keys.byEmail.pop(r.email);
          this.keys.byType.pop(r.type);
        }
      }
      this.rows = before.rows;
      this.rows.length = before.length;
      this.base = before.base;
      this.head = before.head;
    });
  }

  /** Delete events by id (absent ones are skipped); returns how many went. */
  delete(ids: Iterable<number>): number {
    this.hydrate();
    const gone: EventRow[] = [];
    for (const id of ids) {
      const r = this.rows[id - this.base];
      if (!r || r.id !== id) continue;
      this.unlink(r);
      gone.push(r);
    }
    for (const r of gone) this.touched.push(r);
    this.undo?.push(() => {
      // The key lists still hold the ids: they are compacted only outside transactions.
      for (const r of gone) {
        this.rows[r.id - this.base] = r;
        this.live++;
        if (this.keys) {
          this.keys.byMessage.shift(r.messageId, 1);
          this.keys.byEmail.shift(r.email, 1);
          this.keys.byType.shift(r.type, 1);
        }
      }
    });
    if (!this.undo) this.tidy();
    return gone.length;
  }

  get(id: number): EventRow | undefined {
    this.hydrate();
    const r = this.rows[id - this.base];
    return r && r.id === id ? r : undefined;
  }

  /** Events oldest first. */
  *ascending(): IterableIterator<EventRow> {
    this.hydrate();
    for (let i = this.head; i < this.rows.length; i++) {
      const r = this.rows[i];
      if (r) yield r;
    }
  }

  /** The newest events that match, newest first, at most `limit`. */
  list(q: EventQuery, limit: number): EventRow[] {
    const out: EventRow[] = [];
    if (limit <= 0) return out;
    this.hydrate();
    const ids = this.candidates(q);
    if (!ids) {
      // Every event: walk the slots down from the cursor.
      const top = q.beforeId === undefined ? this.rows.length : Math.min(this.rows.length, q.beforeId - this.base);
      for (let i = top - 1; i >= this.head && out.length < limit; i--) {
        const r = this.rows[i];
        if (r) out.push(r);
      }
      return out;
    }
    // Every key list is ascending: a page further back starts right below its cursor.
    const start = q.beforeId === undefined ? ids.length : lowerBound(ids, q.beforeId);
    for (let i = start - 1; i >= 0; i--) {
      const r = this.get(ids[i]);
      if (r && matches(r, q)) {
        out.push(r);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  count(q: EventQuery): number {
    const named = [q.messageId, q.email, q.type].filter((k) => k !== undefined).length;
    if (!named && q.beforeId === undefined) return this.size;
    if (named === 1 && q.beforeId === undefined) {
      const keys = this.keyIndexes();
      if (q.messageId !== undefined) return keys.byMessage.count(q.messageId);
      if (q.email !== undefined) return keys.byEmail.count(q.email);
      return keys.byType.count(q.type!);
    }
    return this.list(q, Infinity).length;
  }

  /** The live events of a message, oldest first. */
  ofMessage(messageId: string): EventRow[] {
    const out: EventRow[] = [];
    for (const id of this.keyIndexes().byMessage.list(messageId)) {
      const r = this.get(id);
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
        const json = String(params[k + 2]);
        rows.push({ id: Number(params[k]), recordedAt: Number(params[k + 1]), json, ...keysOf(json) });
      }
      this.add(rows);
      return true;
    }
    if (sql === EVENT_OPS.delete) {
      const ids: number[] = [];
      for (let k = 0; k + 1 < params.length; k += 2) for (let id = Number(params[k]); id <= Number(params[k + 1]); id++) ids.push(id);
      this.delete(ids);
      return true;
    }
    return false;
  }

  /**
   * The events in memory as snapshot chunks of at most `per` lines, each keyed by its first event
   * id: `[id, event_id, message_id, type, email, recorded_at]` TAB json (JSON text never holds a
   * raw newline or tab). Chunks still pending are not among them: they are in the database already.
   */
  chunks(per: number): { key: number; events: number; body: string }[] {
    const out: { key: number; events: number; body: string }[] = [];
    let lines: string[] = [];
    let key = 0;
    for (let i = this.head; i < this.rows.length; i++) {
      const r = this.rows[i];
      if (!r) continue;
      if (!lines.length) key = r.id;
      lines.push(`${JSON.stringify([r.id, r.eventId, r.messageId, r.type, r.email, r.recordedAt])}\t${r.json}`);
      if (lines.length >= per) out.push({ key, events: lines.length, body: lines.join('\n') }), (lines = []);
    }
    if (lines.length) out.push({ key, events: lines.length, body: lines.join('\n') });
    return out;
  }

  /** The key of the oldest chunk still pending (every chunk below it is read). */
  get firstPendingChunk(): number | undefined {
    return this.pending[0]?.key;
  }

  /** A snapshot's chunks (key and events, oldest first), read from `source` when first needed. */
  setPending(chunks: { key: number; events: number }[], source: (key: number) => string): void {
    this.pending = chunks.slice();
    this.pendingCount = chunks.reduce((n, c) => n + c.events, 0);
    this.source = source;
  }

  /** Read pending chunks from here on (the database moved). */
  setSource(source: (key: number) => string): void {
    if (this.source) this.source = source;
  }

  /** Read and parse the oldest chunk still pending; false when none is left. */
  hydrateSome(): boolean {
    const chunk = this.pending[0];
    if (chunk === undefined) return false;
    const text = this.source!(chunk.key);
    this.pending.shift();
    const rows: EventRow[] = [];
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      const [id, eventId, messageId, type, email, recordedAt] = JSON.parse(line.slice(0, tab)) as [number, string, string, string, string, number];
      rows.push({ id, eventId, messageId, type, email, recordedAt, json: line.slice(tab + 1) });
    }
    this.pendingCount -= chunk.events;
    // Never undone: the events were there before any transaction.
    this.append(rows);
    return this.pending.length > 0;
  }

  private hydrate(): void {
    while (this.hydrateSome());
  }

  private append(rows: readonly EventRow[]): void {
    for (const r of rows) {
      if (this.live === 0 && this.head === this.rows.length) {
        // Empty: start the slots at this id (ids may jump, e.g. past pruned newest events).
        this.rows = [];
        this.base = r.id;
        this.head = 0;
      }
      const i = r.id - this.base;
      if (i < this.rows.length) throw new Error(`event ${r.id} is not newer than the newest one`);
      while (this.rows.length < i) this.rows.push(undefined);
      this.rows.push(r);
      this.live++;
      if (this.keys) {
        this.keys.byMessage.add(r.messageId, r.id);
        this.keys.byEmail.add(r.email, r.id);
        this.keys.byType.add(r.type, r.id);
      }
      if (r.id >= this.next) this.next = r.id + 1;
    }
  }

  /** Take `r` out of the slots; its key lists keep the id (dead) until compacted. */
  private unlink(r: EventRow): void {
    this.rows[r.id - this.base] = undefined;
    this.live--;
    if (this.keys) {
      this.keys.byMessage.shift(r.messageId, -1);
      this.keys.byEmail.shift(r.email, -1);
      this.keys.byType.shift(r.type, -1);
    }
  }

  private keyIndexes(): Keys {
    this.hydrate();
    if (!this.keys) {
      const keys: Keys = { byMessage: new KeyIndex(), byEmail: new KeyIndex(), byType: new KeyIndex() };
      for (let i = this.head; i < this.rows.length; i++) {
        const r = this.rows[i];
        if (!r) continue;
        keys.byMessage.add(r.messageId, r.id);
        keys.byEmail.add(r.email, r.id);
        keys.byType.add(r.type, r.id);
      }
      this.keys = keys;
      // Built inside a transaction, they hold its state: a rollback drops them (made again when read).
      this.undo?.push(() => (this.keys = null));
    }
    return this.keys;
  }

  /** The candidate ids of a query, ascending: the shortest key list it names, or null for every event. */
  private candidates(q: EventQuery): readonly number[] | null {
    if (q.messageId === undefined && q.email === undefined && q.type === undefined) return null;
    const keys = this.keyIndexes();
    let best: readonly number[] | null = null;
    const consider = (list: readonly number[]) => {
      if (best === null || list.length < best.length) best = list;
    };
    if (q.messageId !== undefined) consider(keys.byMessage.list(q.messageId));
    if (q.email !== undefined) consider(keys.byEmail.list(q.email));
    if (q.type !== undefined) consider(keys.byType.list(q.type));
    return best;
  }

  /** After a transaction: drop deleted ids from key lists grown mostly dead, and leading empty slots. */
  private tidy(): void {
    if (this.undo) return;
    if (this.touched.length) {
      const rows = this.touched;
      this.touched = [];
      if (this.keys) {
        const alive = (id: number) => this.rows[id - this.base]?.id === id;
        this.keys.byMessage.compact(new Set(rows.map((r) => r.messageId)), alive);
        this.keys.byEmail.compact(new Set(rows.map((r) => r.email)), alive);
        this.keys.byType.compact(new Set(rows.map((r) => r.type)), alive);
      }
    }
    while (this.head < this.rows.length && !this.rows[this.head]) this.head++;
    if (this.head > 4096 && this.head > this.rows.length / 2) {
      this.rows = this.rows.slice(this.head);
      this.base += this.head;
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
