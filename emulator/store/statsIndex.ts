/**
 * The Stats API's view of the messages, kept in memory between calls (issue 13).
 *
 * A stats call counts every message in its date range by (UTC day, send, recipient domain) and
 * asks the events which of the five counted kinds each has. In SQL that was one query over the
 * messages with a call into JavaScript a message (`mt_stats_mask`) and a sort of all of them to
 * group them: 400–700 ms a call with 100,000 messages stored, the whole emulator held meanwhile.
 *
 * Here a message's group is worked out once, when the index first meets the message, and a call
 * walks arrays: the message ids it holds keep their string hashes, so asking the events for a
 * message's kinds is a plain map lookup. Before each call the index catches up with SQLite:
 * - messages are only ever added with a larger `seq` than any before (ids are reserved in order,
 *   and a read outside a transaction sees every committed one: the store writes the waiting rows
 *   of a table before a statement names it), so it reads those past the last it saw;
 * - messages are only ever deleted by retention, so it counts those it saw that SQLite still has,
 *   and when fewer remain it finds which went, walking both in `seq` order a page at a time (the
 *   oldest go first, so the walk stops early);
 * - a send's domain, stream and category never change once written.
 * Anything it cannot explain (a `seq` it never saw below the last it read) makes it start over.
 * Inside a transaction (which may roll back) it is not used: the caller asks SQL instead.
 */
import type { StatsBucket, StatsQuery } from '../core/logs/emailLog';
import type { SendingStream } from '../core/types';
import type { Store } from './database';
import { STATS_BIT, STATS_BITS } from './eventFunctions';

export const DAY_MS = 86_400_000;
/** A UTC day number (ms since the epoch ÷ DAY_MS) as the Stats API names it: `YYYY-MM-DD`. */
export const utcDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** Rows read a statement when looking for the messages retention deleted. */
const WALK_PAGE = 4096;

interface Group {
  sendId: number;
  day: number;
  recipientDomain: string;
}

const groupKey = (sendId: number, day: number, recipientDomain: string): string => `${sendId} ${day} ${recipientDomain}`;

interface SendMeta {
  domainName: string;
  stream: SendingStream;
  category: string | null;
}

export class StatsIndex {
  /** The messages seen and still stored, by ascending `seq` (parallel arrays). */
  private seqs: number[] = [];
  private ids: string[] = [];
  private createdAt: number[] = [];
  private groupOf: number[] = [];
  /** The largest `seq` read. */
  private lastSeq = 0;
  private groups: Group[] = [];
  private groupIds = new Map<string, number>();
  /** Sends by id: null for one SQLite did not have (its messages are left out, as SQL's JOIN does). */
  private sends = new Map<number, SendMeta | null>();
  /** Messages read from SQLite so far (each once, unless the index had to start over). */
  messagesRead = 0;

  constructor(private readonly store: Store) {}

  /** Messages counted per (UTC day, domain, category, stream, recipient domain), as `StatsBucket`s. */
  buckets(q: StatsQuery): StatsBucket[] {
    this.catchUp();
    const wanted = (s: SendMeta): boolean =>
      (!q.domainNames || q.domainNames.includes(s.domainName)) &&
      (!q.streams || q.streams.includes(s.stream)) &&
      (!q.categories || (s.category !== null && q.categories.includes(s.category)));
    // Each group's bucket, found once a call (-1: left out).
    const bucketOf = new Int32Array(this.groups.length).fill(-2);
    const out: StatsBucket[] = [];
    const byKey = new Map<string, number>();
    const events = this.store.events;
    for (let i = 0; i < this.seqs.length; i++) {
      const at = this.createdAt[i];
      if (at < q.startMs || at >= q.endMs) continue;
      const g = this.groupOf[i];
      let b = bucketOf[g];
      if (b === -2) {
        const group = this.groups[g];
        const send = this.sends.get(group.sendId);
        if (!send || !wanted(send)) b = -1;
        else {
          const day = utcDay(group.day);
          const key = JSON.stringify([day, send.domainName, send.category, send.stream, group.recipientDomain]);
          b = byKey.get(key) ?? -1;
          if (b === -1) {
            b = out.length;
            byKey.set(key, b);
            out.push({ day, domainName: send.domainName, category: send.category, stream: send.stream, recipientDomain: group.recipientDomain, delivered: 0, bounced: 0, opened: 0, clicked: 0, spam: 0 });
          }
        }
        bucketOf[g] = b;
      }
      if (b < 0) continue;
      const mask = events.typeBits(this.ids[i], STATS_BIT);
      if (!mask) continue;
      const bucket = out[b];
      if (mask & STATS_BITS.delivery) bucket.delivered++;
      if (mask & STATS_BITS.bounce) bucket.bounced++;
      if (mask & STATS_BITS.open) bucket.opened++;
      if (mask & STATS_BITS.click) bucket.clicked++;
      if (mask & STATS_BITS.spam) bucket.spam++;
    }
    return out;
  }

  /** Read what SQLite gained and lost since the last call. */
  private catchUp(): void {
    if (!this.dropDeleted()) this.reset();
    const added = this.store.all<{ seq: number; id: string; send_id: number; email: string; created_at: number }>(
      'SELECT seq, id, send_id, email, created_at FROM messages WHERE seq > ? ORDER BY seq',
      [this.lastSeq],
    );
    const newSends = new Set<number>();
    for (const r of added) {
      const sendId = Number(r.send_id);
      const email = String(r.email);
      const day = Math.floor(Number(r.created_at) / DAY_MS);
      // The recipient's domain as SQL's substr(email, instr(email, '@') + 1): the whole address without an @.
      const recipientDomain = email.slice(email.indexOf('@') + 1);
      const key = groupKey(sendId, day, recipientDomain);
      let g = this.groupIds.get(key);
      if (g === undefined) {
        g = this.groups.length;
        this.groups.push({ sendId, day, recipientDomain });
        this.groupIds.set(key, g);
      }
      this.seqs.push(Number(r.seq));
      this.ids.push(String(r.id));
      this.createdAt.push(Number(r.created_at));
      this.groupOf.push(g);
      if (!this.sends.has(sendId)) newSends.add(sendId);
    }
    this.messagesRead += added.length;
    if (added.length) this.lastSeq = Number(added[added.length - 1].seq);
    if (newSends.size) this.readSends([...newSends]);
  }

  private readSends(ids: number[]): void {
    const rows = this.store.all<{ id: number; domain_name: string; stream: string; category: unknown }>(
      "SELECT id, domain_name, stream, json_extract(mail, '$.category') AS category FROM sends WHERE id IN (SELECT value FROM json_each(?))",
      [JSON.stringify(ids)],
    );
    for (const id of ids) this.sends.set(id, null);
    for (const r of rows) {
      this.sends.set(Number(r.id), {
        domainName: String(r.domain_name),
        stream: String(r.stream) as SendingStream,
        category: r.category === null || r.category === undefined ? null : String(r.category),
      });
    }
  }

  /**
   * Drop the messages retention deleted since the last call; false if what SQLite holds is not
   * what the index can explain (then it starts over).
   */
  private dropDeleted(): boolean {
    if (!this.seqs.length) return true;
    const stored = Number(this.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE seq <= ?', [this.lastSeq])?.n ?? 0);
    let missing = this.seqs.length - stored;
    if (missing === 0) return true;
    if (missing < 0) return false;
    // Walk SQLite's seqs and ours side by side from the oldest until every missing one is found.
    const gone = new Uint8Array(this.seqs.length);
    let i = 0;
    let after = 0;
    while (missing > 0) {
      const page = this.store.all<{ seq: number }>('SELECT seq FROM messages WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?', [after, this.lastSeq, WALK_PAGE]);
      for (const r of page) {
        const seq = Number(r.seq);
        while (i < this.seqs.length && this.seqs[i] < seq) {
          gone[i++] = 1;
          missing--;
        }
        if (this.seqs[i] !== seq) return false; // a message the index never saw
        i++;
      }
      if (page.length < WALK_PAGE) {
        // SQLite has nothing further up to lastSeq: the rest of ours went.
        for (; i < this.seqs.length; i++, missing--) gone[i] = 1;
        break;
      }
      after = Number(page[page.length - 1].seq);
    }
    if (missing !== 0) return false;
    let w = 0;
    for (let r = 0; r < this.seqs.length; r++) {
      if (gone[r]) continue;
      this.seqs[w] = this.seqs[r];
      this.ids[w] = this.ids[r];
      this.createdAt[w] = this.createdAt[r];
      this.groupOf[w] = this.groupOf[r];
      w++;
    }
    this.seqs.length = this.ids.length = this.createdAt.length = this.groupOf.length = w;
    if (this.groups.length > 2 * Math.max(w, 1024)) this.dropUnusedGroups();
    return true;
  }

  /** Forget the groups (and sends) no message left uses: a long session deletes most it ever saw. */
  private dropUnusedGroups(): void {
    const renumbered = new Int32Array(this.groups.length).fill(-1);
    const groups: Group[] = [];
    for (let i = 0; i < this.groupOf.length; i++) {
      const g = this.groupOf[i];
      if (renumbered[g] === -1) {
        renumbered[g] = groups.length;
        groups.push(this.groups[g]);
      }
      this.groupOf[i] = renumbered[g];
    }
    this.groups = groups;
    this.groupIds = new Map(groups.map((g, i) => [groupKey(g.sendId, g.day, g.recipientDomain), i]));
    const sends = new Map<number, SendMeta | null>();
    for (const g of groups) if (this.sends.has(g.sendId)) sends.set(g.sendId, this.sends.get(g.sendId)!);
    this.sends = sends;
  }

  private reset(): void {
    this.seqs = [];
    this.ids = [];
    this.createdAt = [];
    this.groupOf = [];
    this.lastSeq = 0;
    this.groups = [];
    this.groupIds = new Map();
    this.sends = new Map();
  }
}
