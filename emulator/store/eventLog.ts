/**
 * The events read model, in memory (issue 13, fifth step).
 *
 * Every event was one SQLite row with two secondary indexes (by message id, by address): ~12–16 µs
 * of WebAssembly an event, the largest single cost of the delivery path, paid again by compaction
 * exporting those pages. Nothing on that path reads the rows: the engine builds batch bodies from
 * the JSON it already holds. So the events live here instead, bounded by retention (the events cap).
 *
 * Memory: each event's JSON is kept as UTF-8 bytes in shared 1 MB buffers (`Slabs`), outside V8's
 * heap, and the rest of an event is a slot in columns (typed arrays: where its bytes are, its time,
 * its type), no JavaScript object of its own. As JavaScript strings the retained events made V8's
 * heap, which grows well past what is live, swing RSS by ~200 MB. Its event id, message id and
 * address are read from the JSON when needed; maps by message id (with each event's type), address
 * and type are built at the first read that filters (the delivery path never does) and dropped
 * when mostly stale.
 *
 * Durability is the store's, as for any write: an insert or a prune is journaled with the
 * transaction that makes it (`EVENT_OPS`: explicit ids, so replay makes the same rows), and a
 * snapshot carries the events in its `event_store` table (written only for the export, see
 * Store.compact). SQL that needs the events (email logs, a batch's journaled derivation) calls the
 * functions `eventFunctions` registers on the database.
 *
 * Changes inside a store transaction are undone if it rolls back (`begin` / `commit` / `rollback`).
 */
import { utf8Json, type JsonText, type Slab } from '../core/jsonText';
import { columnAt, COLUMN_OPS, JSON_TEXT_OPS } from './journal';
import { eventIdOfBytes, keysOf, keysOfBytes, type EventKeys } from '../core/eventKeys';

export type { EventKeys };

export interface EventRow extends EventKeys {
  id: number;
  recordedAt: number;
  /** The payload as JSON, exactly as recorded and POSTed. */
  json: string;
}

/**
 * A row to add: its JSON as a string, or as the UTF-8 bytes its plan made (kept as they are), and
 * its type (the payload's `event`) when the caller has it; the keys not given are read off the
 * JSON when asked.
 */
export interface NewEventRow extends Pick<EventRow, 'id' | 'recordedAt'> {
  json: JsonText;
  type?: string;
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
  /** The same params, written with each JSON text as a value (journal.ts, `JSON_TEXT_OPS`): still replayed. */
  add: JSON_TEXT_OPS.events,
  /**
   * The same rows by column, their ids consecutive (journal.ts, `COLUMN_OPS`): what this version
   * writes. Texts made as bytes side by side (replayed events) go into the line as one copy.
   */
  columns: COLUMN_OPS.events,
  /** params: inclusive id ranges `from, to, from, to, …`. */
  delete: '@events.delete',
  /**
   * Lifecycle events as they fall due, each the payload of its `scheduled_events` row, whose text
   * the journal already holds (eventSnapshot.ts replays it from the row; the op comes before the
   * rows' DELETE). params: `first_id, recorded_at, scheduled_id, scheduled_id, …` (event ids are
   * consecutive from `first_id`).
   */
  due: '@events.due',
} as const;

const WIDTH = 3;


/** Event types are a handful of strings: one copy each. */
const TYPES = new Map<string, string>();
const intern = (type: string): string => {
  let t = TYPES.get(type);
  if (t === undefined) {
    t = type;
    if (TYPES.size < 64) TYPES.set(type, type);
  }
  return t;
};

/**
 * One event as a read sees it: made when asked (an event in memory is a slot of the columns, not an
 * object), or read from a snapshot chunk not yet in memory (`EventLog.peek`).
 */
interface Stored {
  id: number;
  recordedAt: number;
  slab: Slab;
  start: number;
  end: number;
}

const jsonOf = (s: Stored): string => s.slab.toString('utf8', s.start, s.end);

/** Characters of `${n}`: counted for a non-negative integer, else from the text. */
function numberLength(n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return String(n).length;
  let digits = 1;
  for (; n >= 10; n = Math.floor(n / 10)) digits++;
  return digits;
}

/** `${n}` written at `at` (ASCII); returns where it ends. */
function writeNumber(out: Buffer, at: number, n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return at + out.write(String(n), at, 'latin1');
  const end = at + numberLength(n);
  for (let i = end - 1; i >= at; i--, n = Math.floor(n / 10)) out[i] = 0x30 + (n % 10);
  return end;
}

/**
 * Codes of the event types a message's single event is kept with (`MessageEntry`): one array of
 * the handful of types there are, at most `TYPE_SLOTS`; a type past them keeps its lists.
 */
const TYPE_SLOTS = 64;
const TYPE_BY_CODE: string[] = [];
const CODE_BY_TYPE = new Map<string, number>();
function typeCode(type: string): number {
  let c = CODE_BY_TYPE.get(type);
  if (c === undefined) {
    if (TYPE_BY_CODE.length >= TYPE_SLOTS) return -1;
    c = TYPE_BY_CODE.push(type) - 1;
    CODE_BY_TYPE.set(type, c);
  }
  return c;
}

/**
 * A message's events in the maps: its one event as `id * TYPE_SLOTS + its type's code`, a number
 * (most messages have one event when the maps are built: a list object and two arrays each were
 * most of what indexing a burst cost, and of the garbage it left), or its lists once it has more.
 */
type MessageEntry = number | { ids: number[]; types: string[] };
/** An address's (or a type's) events: one as its id, more as an ascending list. */
type IdsEntry = number | number[];

const singleId = (e: number): number => Math.floor(e / TYPE_SLOTS);
const singleType = (e: number): string => TYPE_BY_CODE[e % TYPE_SLOTS];
/** A message's entry as its lists (a single event's made for the call). */
const listsOf = (e: MessageEntry): { ids: number[]; types: string[] } => (typeof e === 'number' ? { ids: [singleId(e)], types: [singleType(e)] } : e);
/** The ids of an address's (or a type's) entry, ascending. */
const idsOf = (e: IdsEntry | undefined): number[] => (e === undefined ? [] : typeof e === 'number' ? [e] : e);

function indexInto(keys: Keys, id: number, r: EventKeys): void {
  const type = intern(r.type);
  const m = keys.byMessage.get(r.messageId);
  if (m === undefined) {
    const code = typeCode(type);
    keys.byMessage.set(r.messageId, code < 0 ? { ids: [id], types: [type] } : id * TYPE_SLOTS + code);
  } else if (typeof m === 'number') keys.byMessage.set(r.messageId, { ids: [singleId(m), id], types: [singleType(m), type] });
  else {
    m.ids.push(id);
    m.types.push(type);
  }
  const e = keys.byEmail.get(r.email);
  if (e === undefined) keys.byEmail.set(r.email, id);
  else if (typeof e === 'number') keys.byEmail.set(r.email, [e, id]);
  else e.push(id);
  push(keys.byType, type, id);
}

/** Slots per block of `EventLog.blockLive` (1,024). */
const BLOCK_BITS = 10;

/** The maps of the filtered reads; lists are ascending and may hold deleted ids. */
interface Keys {
  byMessage: Map<string, MessageEntry>;
  byEmail: Map<string, IdsEntry>;
  byType: Map<string, number[]>;
}

/** A column's first capacity, in slots. */
const FIRST_CAPACITY = 1024;

export class EventLog {
  /**
   * The events by column, slot `id - base` for event `id` (ascending by construction): the slab
   * that holds its JSON (undefined for an id deleted, or never used), where in it the JSON starts
   * and ends, its time, and its type's code + 1 (0: not read yet, as for a snapshot's events). Its
   * event id, message id and address are read off its JSON when asked. As one object an event, with
   * its event id's string and its time's box, the events were three of every five objects of a
   * heap past the retention cap, each copied by the young generation's collections after its
   * recording and marked by every full one (issue 13).
   */
  private slabs: (Slab | undefined)[] = [];
  private starts = new Int32Array(FIRST_CAPACITY);
  private ends = new Int32Array(FIRST_CAPACITY);
  private times = new Float64Array(FIRST_CAPACITY);
  private typeCodes = new Uint8Array(FIRST_CAPACITY);
  private base = 1;
  /** Index of the first slot that may hold an event. */
  private head = 0;
  private live = 0;
  /**
   * Events per block of `BLOCK` slots: walks oldest first skip empty blocks. An event spared by
   * retention (queued, or in a batch still retrying) keeps `head` where it is while younger ones are
   * pruned behind it; without this, every retention check would walk that whole gap again.
   */
  private blockLive: number[] = [];
  /**
   * The maps of filtered reads, holding every event with an id below `indexedTo`. Events are
   * indexed in quiet time (`upkeep`) or by the read that needs them, never as they are added: on
   * the delivery path that cost ~3 µs an event (the lists, and their garbage collection).
   */
  private keys: Keys | null = null;
  private indexedTo = 0;
  /**
   * Deletions since the maps were built (or began to be): their ids stay in the lists. Past
   * `sweepAt` the lists are swept in quiet time (`upkeep`); past twice as many (no quiet time came)
   * the maps are dropped, and built again in quiet time or at the next read.
   */
  private staleKeys = 0;
  /** See `version`. */
  private changes = 0;
  private next = 1;
  /** Undo steps of the open transaction, newest last; null outside one. */
  private undo: (() => void)[] | null = null;
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
  /** The last pending chunk `get` looked into, by id (a start-up's queued events are mostly in one). */
  private peeked: { key: number; rows: Map<number, Stored> } | null = null;

  get size(): number {
    return this.live + this.pendingCount;
  }

  /**
   * Counts changes to the events in memory (added, read in from a snapshot, deleted, rolled back)
   * and to the next id: snapshot rows made at one count hold them as long as it has not moved.
   */
  get version(): number {
    return this.changes;
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
    this.changes++;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
    this.tidy();
  }

  /** `n` consecutive new ids; returns the first. */
  reserve(n: number): number {
    const first = this.next;
    const before = this.next;
    this.next += n;
    this.changes++; // the next id is in a snapshot's chunks' rows (eventSnapshotRows)
    this.undo?.push(() => (this.next = before));
    return first;
  }

  add(rows: readonly NewEventRow[]): void {
    this.hydrate();
    // The columns as they are: an append only writes slots past `length` (or, into an empty log,
    // starts new columns), so putting these back undoes it.
    const before = { slabs: this.slabs, length: this.slabs.length, starts: this.starts, ends: this.ends, times: this.times, typeCodes: this.typeCodes, base: this.base, head: this.head };
    this.append(rows);
    // The count, not the rows: a step holds what it names until the commit (a replay's parts).
    const added = rows.length;
    this.undo?.push(() => {
      // Later undo steps ran first: every event is in its slot again. (Not in the maps: a read in
      // the transaction that indexed them also dropped the maps on rollback, `keyMaps`.)
      this.live -= added;
      this.slabs = before.slabs;
      this.slabs.length = before.length;
      this.starts = before.starts;
      this.ends = before.ends;
      this.times = before.times;
      this.typeCodes = before.typeCodes;
      this.base = before.base;
      this.head = before.head;
      this.recountBlocks();
    });
  }

  /** Delete events by id (absent ones are skipped); returns how many went. */
  delete(ids: Iterable<number>): number {
    this.hydrate();
    this.changes++;
    const goneAt: number[] = [];
    const goneSlabs: Slab[] = [];
    for (const id of ids) {
      const i = id - this.base;
      const slab = i >= 0 ? this.slabs[i] : undefined;
      if (slab === undefined) continue;
      this.slabs[i] = undefined;
      this.blockLive[i >> BLOCK_BITS]--;
      goneAt.push(i);
      goneSlabs.push(slab);
    }
    this.live -= goneAt.length;
    this.staleKeys += goneAt.length;
    // The key lists keep the ids (dead) until the maps are dropped: a rollback only puts the
    // events back (their other columns are untouched; slots do not move inside a transaction).
    this.undo?.push(() => {
      for (let k = 0; k < goneAt.length; k++) {
        this.slabs[goneAt[k]] = goneSlabs[k];
        this.blockLive[goneAt[k] >> BLOCK_BITS]++;
      }
      this.live += goneAt.length;
    });
    if (!this.undo) this.tidy();
    return goneAt.length;
  }

  get(id: number): EventRow | undefined {
    const s = this.stored(id);
    return s && view(s);
  }

  /**
   * A batch body of the events `ids`: `open`, each one's JSON as recorded, `sep` between two, then
   * `close`, as bytes copied straight from where the events keep theirs (no object an event, no
   * text decoded: issue 13). An id whose event is gone is left out. Returns the body, the ids in it,
   * each one's JSON length in bytes, and their types (each once, in order of first appearance).
   */
  batchBody(ids: readonly number[], open: string, sep: string, close: string): { body: Buffer; ids: number[]; lengths: Int32Array; types: string[] } {
    const kept: number[] = [];
    const lengths = new Int32Array(ids.length);
    /** Events read from a pending chunk (only after a start, before it is in memory), by position in `kept`. */
    let peeked: Map<number, Stored> | undefined;
    const sepBytes = Buffer.byteLength(sep);
    let total = Buffer.byteLength(open) + Buffer.byteLength(close);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      let len: number;
      if (this.has(id)) {
        const i = id - this.base;
        len = this.ends[i] - this.starts[i];
      } else {
        const s = this.stored(id);
        if (!s) continue;
        (peeked ??= new Map()).set(kept.length, s);
        len = s.end - s.start;
      }
      if (kept.length) total += sepBytes;
      lengths[kept.length] = len;
      kept.push(id);
      total += len;
    }
    const body = Buffer.allocUnsafe(total);
    let at = body.write(open, 0, 'latin1');
    // A separator is one byte in both formats: written as one (a `write` of it cost more than the
    // copy of the JSON beside it). Events whose JSON lies in one slab one after another with that
    // byte between them (a replay's or a send's, as `writeEnd` leaves them: a comma) are copied
    // as one run.
    const sepByte = sepBytes === 1 ? sep.charCodeAt(0) : -1;
    let run: Slab | undefined;
    let runStart = 0;
    let runEnd = 0;
    const types: string[] = [];
    for (let k = 0; k < kept.length; k++) {
      const s = peeked?.get(k);
      let type: string;
      if (s) {
        if (run) at = copyRun(body, at, run, runStart, runEnd);
        run = undefined;
        if (k) at = separate(body, at, sep, sepByte);
        body.set(s.slab.subarray(s.start, s.end), at);
        at += s.end - s.start;
        type = this.typeOf(s);
      } else {
        const i = kept[k] - this.base;
        const slab = this.slabs[i]!;
        const start = this.starts[i];
        if (run === slab && runEnd + 1 === start && slab[runEnd] === sepByte) runEnd = this.ends[i];
        else {
          if (run) at = copyRun(body, at, run, runStart, runEnd);
          if (k) at = separate(body, at, sep, sepByte);
          run = slab;
          runStart = start;
          runEnd = this.ends[i];
        }
        const code = this.typeCodes[i];
        type = code !== 0 ? TYPE_BY_CODE[code - 1] : this.keysAt(i).type;
      }
      if (!types.includes(type)) types.push(type);
    }
    if (run) at = copyRun(body, at, run, runStart, runEnd);
    body.write(close, at, 'latin1');
    return { body, ids: kept, lengths: lengths.subarray(0, kept.length), types };
  }

  /** An event's JSON text, as recorded. */
  json(id: number): string | undefined {
    const s = this.stored(id);
    return s && jsonOf(s);
  }

  /** Events oldest first: id, event id and time (the JSON is read only by those who need it). */
  *ascending(): IterableIterator<{ id: number; eventId: string; recordedAt: number }> {
    this.hydrate();
    for (let i = this.liveFrom(this.head); i < this.slabs.length; i = this.liveFrom(i + 1)) {
      yield { id: this.base + i, eventId: this.eventIdAt(i), recordedAt: this.times[i] };
    }
  }

  /**
   * Up to `n` ids of the oldest events, oldest first, skipping those in `spared` (ascending,
   * disjoint `[first, last]` id ranges) and those whose event id `held` has. Retention's walk, a
   * round's worth of events at a time past the cap: an event's id is read only when something is
   * held, and no object is made an event.
   */
  oldestUnspared(n: number, spared: readonly (readonly [number, number])[], held: ReadonlyMap<string, unknown>): number[] {
    this.hydrate();
    const ids: number[] = [];
    let q = 0;
    for (let i = this.liveFrom(this.head); i < this.slabs.length && ids.length < n; i = this.liveFrom(i + 1)) {
      const id = this.base + i;
      // The ranges below this id are behind the walk (ids ascend).
      while (q < spared.length && spared[q][1] < id) q++;
      if (q < spared.length && spared[q][0] <= id) continue;
      if (held.size && held.has(this.eventIdAt(i))) continue;
      ids.push(id);
    }
    return ids;
  }

  /** The newest events that match, newest first, at most `limit`. */
  list(q: EventQuery, limit: number): EventRow[] {
    const out: EventRow[] = [];
    if (limit <= 0) return out;
    this.hydrate();
    const ids = this.candidates(q);
    if (!ids) {
      // Every event: walk the slots down from the cursor.
      const top = q.beforeId === undefined ? this.slabs.length : Math.min(this.slabs.length, q.beforeId - this.base);
      for (let i = top - 1; i >= this.head && out.length < limit; i--) if (this.slabs[i] !== undefined) out.push(view(this.at(i)));
      return out;
    }
    // Every key list is ascending: a page further back starts right below its cursor.
    const start = q.beforeId === undefined ? ids.length : lowerBound(ids, q.beforeId);
    for (let i = start - 1; i >= 0 && out.length < limit; i--) {
      const s = this.stored(ids[i]);
      if (!s) continue;
      if (q.type !== undefined && this.typeOf(s) !== q.type) continue;
      const r = view(s);
      if ((q.messageId === undefined || r.messageId === q.messageId) && (q.email === undefined || r.email === q.email)) out.push(r);
    }
    return out;
  }

  count(q: EventQuery): number {
    if (q.beforeId === undefined) {
      if (q.messageId !== undefined) {
        if (q.email === undefined) return this.typesOf(q.messageId).filter((t) => q.type === undefined || t === q.type).length;
      } else if (q.email !== undefined) {
        if (q.type === undefined) return this.alive(idsOf(this.keyMaps().byEmail.get(q.email)));
      } else if (q.type !== undefined) return this.alive(this.keyMaps().byType.get(q.type) ?? []);
      else return this.size;
    }
    return this.list(q, Infinity).length;
  }

  /** The types of a message's events, oldest first (from the maps: no JSON is read). */
  typesOf(messageId: string): string[] {
    const entry = this.keyMaps().byMessage.get(messageId);
    return entry ? this.aliveTypes(entry, []) : [];
  }

  /** The types of an entry's events still stored, appended to `out` (oldest first). */
  private aliveTypes(entry: MessageEntry, out: string[]): string[] {
    if (typeof entry === 'number') {
      if (this.has(singleId(entry))) out.push(singleType(entry));
      return out;
    }
    for (let i = 0; i < entry.ids.length; i++) if (this.has(entry.ids[i])) out.push(entry.types[i]);
    return out;
  }

  /**
   * The ids of the messages that have events and whose event types (oldest first) pass `test`: one
   * walk over the maps, for a filter that would otherwise ask every message row in SQL.
   */
  messageIdsWhere(test: (types: string[]) => boolean): string[] {
    const out: string[] = [];
    const types: string[] = [];
    for (const [messageId, entry] of this.keyMaps().byMessage) {
      types.length = 0;
      if (this.aliveTypes(entry, types).length && test(types)) out.push(messageId);
    }
    return out;
  }

  /** The bits (`bits` by type) of a message's event types, or-ed together (no array made: the Stats API asks it of every message). */
  typeBits(messageId: string, bits: ReadonlyMap<string, number>): number {
    const entry = this.keyMaps().byMessage.get(messageId);
    if (entry === undefined) return 0;
    if (typeof entry === 'number') return this.has(singleId(entry)) ? (bits.get(singleType(entry)) ?? 0) : 0;
    let mask = 0;
    for (let i = 0; i < entry.ids.length; i++) if (this.has(entry.ids[i])) mask |= bits.get(entry.types[i]) ?? 0;
    return mask;
  }

  /** A message's events of one of `types` (all when omitted), oldest first. */
  ofMessage(messageId: string, types?: ReadonlySet<string>): EventRow[] {
    const found = this.keyMaps().byMessage.get(messageId);
    const out: EventRow[] = [];
    if (found === undefined) return out;
    const entry = listsOf(found);
    for (let i = 0; i < entry.ids.length; i++) {
      if (types && !types.has(entry.types[i])) continue;
      const s = this.stored(entry.ids[i]);
      if (s) out.push(view(s));
    }
    return out;
  }

  /** The params of `EVENT_OPS.columns` for `rows` (at least one; consecutive ids, as `reserve` gives them). */
  static columnParams(rows: readonly NewEventRow[]): unknown[] {
    const n = rows.length;
    const p: unknown[] = new Array(columnAt(n, 0, WIDTH));
    p[0] = rows[0].id;
    p[1] = n;
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      if (r.id !== rows[0].id + k) throw new Error(`events journaled by column need consecutive ids (${rows[0].id + k} expected, ${r.id} given)`);
      p[columnAt(n, k, 1)] = r.recordedAt;
      p[columnAt(n, k, 2)] = r.json;
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
    if (sql === EVENT_OPS.columns) {
      const first = Number(params[0]);
      const n = Number(params[1]);
      // Their keys are read off the JSON when asked, as a snapshot's are (no parse at a replay).
      const rows: NewEventRow[] = new Array(n);
      for (let k = 0; k < n; k++) rows[k] = { id: first + k, recordedAt: Number(params[columnAt(n, k, 1)]), json: String(params[columnAt(n, k, 2)]) };
      this.add(rows);
      return true;
    }
    if (sql === EVENT_OPS.add || sql === EVENT_OPS.insert) {
      const rows: NewEventRow[] = [];
      for (let k = 0; k + WIDTH <= params.length; k += WIDTH) rows.push({ id: Number(params[k]), recordedAt: Number(params[k + 1]), json: String(params[k + 2]) });
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
   * id: `id` TAB `recorded_at` TAB json (JSON text never holds a raw newline or tab). Chunks still
   * pending are not among them: they are in the database already.
   */
  *chunks(per: number): IterableIterator<{ key: number; events: number; body: Buffer }> {
    // One at a time (a generator): a snapshot never holds every chunk's bytes at once. Between two
    // chunks the walk goes on from an id (the slots move when the log is tidied).
    let from = this.base + this.head;
    for (;;) {
      const slots: number[] = [];
      for (let i = this.liveFrom(Math.max(this.head, from - this.base)); i < this.slabs.length && slots.length < per; i = this.liveFrom(i + 1)) slots.push(i);
      if (!slots.length) return;
      from = this.base + slots[slots.length - 1] + 1;
      yield { key: this.base + slots[0], events: slots.length, body: this.chunkBody(slots) };
      if (slots.length < per) return;
    }
  }

  /**
   * A snapshot chunk's text as UTF-8 (eventSnapshot.ts) for the events in `slots`: a line `id` TAB
   * `recorded_at` TAB json per event, joined by newlines, each event's JSON copied from its slab.
   * (Made as text, decoding every event's JSON and encoding the whole again for SQLite, it took
   * ~1.2 µs an event; this, ~0.6.)
   */
  private chunkBody(slots: readonly number[]): Buffer {
    let size = slots.length - 1;
    for (let k = 0; k < slots.length; k++) {
      const i = slots[k];
      size += numberLength(this.base + i) + numberLength(this.times[i]) + 2 + (this.ends[i] - this.starts[i]);
    }
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (let k = 0; k < slots.length; k++) {
      const i = slots[k];
      if (k > 0) out[at++] = 0x0a;
      at = writeNumber(out, at, this.base + i);
      out[at++] = 0x09;
      at = writeNumber(out, at, this.times[i]);
      out[at++] = 0x09;
      at += this.slabs[i]!.copy(out, at, this.starts[i], this.ends[i]);
    }
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

  /** Read the oldest chunk still pending into memory; false when none is left. */
  hydrateSome(): boolean {
    const chunk = this.pending[0];
    if (chunk === undefined) return false;
    const rows = parseChunk(this.source!(chunk.key));
    this.pending.shift();
    this.peeked = null;
    this.pendingCount -= chunk.events;
    // Never undone: the events were there before any transaction. Their keys are read when needed.
    this.append(rows);
    return this.pending.length > 0;
  }

  private hydrate(): void {
    while (this.hydrateSome());
  }

  /** Whether event `id` is in memory (not deleted, not in a pending chunk). */
  private has(id: number): boolean {
    const i = id - this.base;
    return i >= 0 && this.slabs[i] !== undefined;
  }

  /** The event in slot `i` (one that holds an event) as a read sees it. */
  private at(i: number): Stored {
    return { id: this.base + i, recordedAt: this.times[i], slab: this.slabs[i]!, start: this.starts[i], end: this.ends[i] };
  }

  /** The keys of the event in slot `i`, read off its JSON; its type's code kept for the next time. */
  private keysAt(i: number): EventKeys {
    const k = keysOfBytes(this.slabs[i]!, this.starts[i], this.ends[i]);
    if (this.typeCodes[i] === 0) this.typeCodes[i] = typeCode(k.type) + 1;
    return k;
  }

  /** The event id of the event in slot `i`, read off its JSON. */
  private eventIdAt(i: number): string {
    return eventIdOfBytes(this.slabs[i]!, this.starts[i], this.ends[i]);
  }

  /** The type of an event a read found: from its slot's column when known, else from its JSON. */
  private typeOf(s: Stored): string {
    // An event in memory is one `has` knows (a pending chunk's ids are above every one of them).
    if (!this.has(s.id)) return keysOfBytes(s.slab, s.start, s.end).type;
    const i = s.id - this.base;
    const code = this.typeCodes[i];
    return code !== 0 ? TYPE_BY_CODE[code - 1] : this.keysAt(i).type;
  }

  /**
   * The event with this id. The events in memory are older than every pending chunk, so an id at
   * or above the first pending key is in one of them: only that chunk is read (not kept), and
   * nothing is read at all for an older id. (A restart with events still queued looks up those
   * events before its ready line.)
   */
  private stored(id: number): Stored | undefined {
    if (this.pending.length && id >= this.pending[0].key) return this.peek(id);
    return this.has(id) ? this.at(id - this.base) : undefined;
  }

  private peek(id: number): Stored | undefined {
    let lo = 0;
    let hi = this.pending.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.pending[mid].key <= id) lo = mid;
      else hi = mid - 1;
    }
    const key = this.pending[lo].key;
    if (this.peeked?.key !== key) {
      const rows = new Map<number, Stored>();
      for (const r of parseChunk(this.source!(key))) {
        const { slab, start, end } = utf8Json(r.json);
        rows.set(r.id, { id: r.id, recordedAt: r.recordedAt, slab, start, end });
      }
      this.peeked = { key, rows };
    }
    return this.peeked.rows.get(id);
  }

  private alive(ids: readonly number[]): number {
    let n = 0;
    for (const id of ids) if (this.has(id)) n++;
    return n;
  }

  /** Room in the columns for slot `i`. */
  private reach(i: number): void {
    if (i < this.starts.length) return;
    const capacity = Math.max(this.starts.length * 2, i + 1);
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, (n) => new Int32Array(n));
    this.ends = grow(this.ends, (n) => new Int32Array(n));
    this.times = grow(this.times, (n) => new Float64Array(n));
    this.typeCodes = grow(this.typeCodes, (n) => new Uint8Array(n));
  }

  /** Append rows newer than every one here (a type not given is read off the JSON when first asked). */
  private append(rows: readonly NewEventRow[]): void {
    this.changes++;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      if (this.live === 0 && this.head === this.slabs.length) {
        // Empty: start the slots at this id (ids may jump, e.g. past pruned newest events), in new
        // columns (an undo puts the old ones back).
        this.slabs = [];
        this.starts = new Int32Array(FIRST_CAPACITY);
        this.ends = new Int32Array(FIRST_CAPACITY);
        this.times = new Float64Array(FIRST_CAPACITY);
        this.typeCodes = new Uint8Array(FIRST_CAPACITY);
        this.base = r.id;
        this.head = 0;
        this.blockLive = [];
      }
      const i = r.id - this.base;
      if (i < this.slabs.length) throw new Error(`event ${r.id} is not newer than the newest one`);
      this.reach(i);
      while (this.slabs.length < i) {
        this.typeCodes[this.slabs.length] = 0;
        this.slabs.push(undefined);
      }
      const json = r.json;
      if (typeof json === 'string') {
        const b = utf8Json(json);
        this.slabs.push(b.slab);
        this.starts[i] = b.start;
        this.ends[i] = b.end;
      } else {
        this.slabs.push(json.slab);
        this.starts[i] = json.start;
        this.ends[i] = json.end;
      }
      this.times[i] = r.recordedAt;
      this.typeCodes[i] = r.type === undefined ? 0 : typeCode(r.type) + 1;
      this.blockLive[i >> BLOCK_BITS] = (this.blockLive[i >> BLOCK_BITS] ?? 0) + 1;
      this.live++;
      if (r.id >= this.next) this.next = r.id + 1;
    }
  }

  /** The first slot from `i` on that holds an event (`slabs.length` if none), skipping blocks with none. */
  private liveFrom(i: number): number {
    const n = this.slabs.length;
    while (i < n) {
      if (!this.blockLive[i >> BLOCK_BITS]) i = ((i >> BLOCK_BITS) + 1) << BLOCK_BITS;
      else if (this.slabs[i] !== undefined) return i;
      else i++;
    }
    return n;
  }

  private recountBlocks(): void {
    this.blockLive = [];
    for (let i = 0; i < this.slabs.length; i++) if (this.slabs[i] !== undefined) this.blockLive[i >> BLOCK_BITS] = (this.blockLive[i >> BLOCK_BITS] ?? 0) + 1;
  }

  private keyMaps(): Keys {
    this.hydrate();
    if (!this.indexed) {
      // What quiet time has not indexed yet, or all of it.
      this.indexSome(Infinity);
      // Indexed inside a transaction, they hold its state: a rollback drops them (made again when read).
      this.undo?.push(() => (this.keys = null));
    }
    return this.keys!;
  }

  /** Whether the maps hold every event. */
  private get indexed(): boolean {
    return this.keys !== null && this.indexedTo >= this.base + this.slabs.length;
  }

  /** Deletions whose ids are left in the maps' lists before quiet time sweeps them. */
  private get sweepAt(): number {
    return Math.max(this.live, 10_000) / 2;
  }

  /** Whether `upkeep` has work: events to index (once every one is in memory), or stale ids to sweep. */
  get wantsUpkeep(): boolean {
    if (this.undo || this.pending.length || !this.live) return false;
    return !this.indexed || this.staleKeys > this.sweepAt;
  }

  /**
   * Quiet-time work on the filtered reads' maps (the messages list, email logs and stats read them
   * for every message): the events added since, `n` a slice, or the ids deleted swept out in one
   * go, so that the first such read after a burst, a start, or retention pruning many events does
   * not index them (~0.8 s for 100,000 events). Outside transactions only. Returns whether there
   * is more to do.
   */
  upkeep(n: number): boolean {
    if (this.undo || this.pending.length) return false;
    if (!this.indexSome(n)) return true;
    if (this.staleKeys > this.sweepAt) this.sweep();
    return false;
  }

  /** Index up to `n` more events, oldest first from `indexedTo`; true once the maps hold every event. */
  private indexSome(n: number): boolean {
    if (!this.keys) {
      this.keys = { byMessage: new Map(), byEmail: new Map(), byType: new Map() };
      this.indexedTo = 0;
      this.staleKeys = 0;
    }
    const keys = this.keys;
    let i = Math.max(this.head, this.indexedTo - this.base);
    for (let done = 0; i < this.slabs.length && done < n; i++) {
      if (this.slabs[i] === undefined) continue;
      indexInto(keys, this.base + i, this.keysAt(i));
      done++;
    }
    this.indexedTo = this.base + i;
    return i >= this.slabs.length;
  }

  /** Drop deleted ids from the maps' lists, and the keys left with none. */
  private sweep(): void {
    const keys = this.keys!;
    const alive = (id: number) => this.has(id);
    for (const [k, m] of keys.byMessage) {
      if (typeof m === 'number') {
        if (!alive(singleId(m))) keys.byMessage.delete(k);
        continue;
      }
      if (m.ids.every(alive)) continue;
      const ids: number[] = [];
      const types: string[] = [];
      for (let i = 0; i < m.ids.length; i++) if (alive(m.ids[i])) ids.push(m.ids[i]), types.push(m.types[i]);
      if (ids.length) keys.byMessage.set(k, { ids, types });
      else keys.byMessage.delete(k);
    }
    for (const map of [keys.byEmail, keys.byType] as Map<string, IdsEntry>[]) {
      for (const [k, e] of map) {
        if (typeof e === 'number') {
          if (!alive(e)) map.delete(k);
          continue;
        }
        if (e.every(alive)) continue;
        const left = e.filter(alive);
        if (left.length) map.set(k, left);
        else map.delete(k);
      }
    }
    this.staleKeys = 0;
  }

  /** The candidate ids of a query, ascending: the list of the most selective key it names, or null for every event. */
  private candidates(q: EventQuery): readonly number[] | null {
    if (q.messageId !== undefined) {
      const e = this.keyMaps().byMessage.get(q.messageId);
      return e === undefined ? [] : listsOf(e).ids;
    }
    if (q.email !== undefined) return idsOf(this.keyMaps().byEmail.get(q.email));
    if (q.type !== undefined) return this.keyMaps().byType.get(q.type) ?? [];
    return null;
  }

  /** After a transaction: drop the maps once mostly stale, and leading empty slots. */
  private tidy(): void {
    if (this.undo) return;
    if (this.keys && this.staleKeys > 2 * this.sweepAt) this.keys = null;
    while (this.head < this.slabs.length && this.slabs[this.head] === undefined) this.head++;
    if (this.head > 4096 && this.head > this.slabs.length / 2) {
      const h = this.head;
      const n = this.slabs.length;
      this.slabs = this.slabs.slice(h);
      this.starts.copyWithin(0, h, n);
      this.ends.copyWithin(0, h, n);
      this.times.copyWithin(0, h, n);
      this.typeCodes.copyWithin(0, h, n);
      this.base += h;
      this.head = 0;
      this.recountBlocks();
    }
  }
}

/** Bytes `start` … `end` of `slab` copied into `body` at `at`; returns where they end. */
function copyRun(body: Buffer, at: number, slab: Slab, start: number, end: number): number {
  body.set(slab.subarray(start, end), at);
  return at + end - start;
}

/** A batch body's separator written at `at` (`sepByte`: it as its one byte, or -1); returns where it ends. */
function separate(body: Buffer, at: number, sep: string, sepByte: number): number {
  if (sepByte < 0) return at + body.write(sep, at, 'latin1');
  body[at] = sepByte;
  return at + 1;
}

/** The lines of a snapshot chunk (see `EventLog.chunks`). */
function parseChunk(text: string): { id: number; recordedAt: number; json: string }[] {
  const rows: { id: number; recordedAt: number; json: string }[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    rows.push({ id: Number(line.slice(0, a)), recordedAt: Number(line.slice(a + 1, b)), json: line.slice(b + 1) });
  }
  return rows;
}

function view(s: Stored): EventRow {
  const json = jsonOf(s);
  return { id: s.id, recordedAt: s.recordedAt, json, ...keysOf(json) };
}

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
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
