/**
 * sql.js side of retention: the oldest unprotected deliveries and messages are deleted by id and
 * seq, the in-memory events by id (what spares them is in memory: the schedule, the queue), and
 * those ids and seqs are journaled, so replay deletes the same rows.
 */
import type { Pruned, RetentionLimits, RetentionRepository } from '../core/retention';
import type { Store } from './database';
import { pendingMessageIds } from './scheduleRepository';
import { forgetMessagesByEmail } from './sendingRepositories';

const OPEN = "('pending', 'retrying')";

export class SqlRetentionRepository implements RetentionRepository {
  /**
   * The event ids of each open batch (delivery id → its events' ids), and how many open batches
   * hold each event id (a resend holds its source's). Reading every open batch's keys parses them
   * all (and writes their waiting rows into SQLite): with a webhook failing, every check read them
   * all again, ~2 ms per open batch (a quarter of the emulator's CPU with sends going on meanwhile).
   * Now a check reads the keys of the batches opened since the last one and forgets those closed:
   * a batch's keys never change, and an open batch only ever closes (retryPolicy: a final status
   * stays). Checks run outside other transactions (after their commit, in quiet time, at start,
   * before a read), so no batch read here can be rolled back afterwards.
   */
  private readonly held = new Map<number, string[]>();
  private readonly heldCount = new Map<string, number>();

  constructor(private readonly store: Store) {}

  private deliveringEventIds(): ReadonlyMap<string, number> {
    const open = new Set(this.store.all<{ id: number }>(`SELECT id FROM deliveries WHERE status IN ${OPEN}`).map((r) => Number(r.id)));
    for (const [id, eventIds] of this.held) {
      if (open.has(id)) continue;
      this.held.delete(id);
      for (const e of eventIds) {
        const n = this.heldCount.get(e)! - 1;
        if (n) this.heldCount.set(e, n);
        else this.heldCount.delete(e);
      }
    }
    const fresh = [...open].filter((id) => !this.held.has(id));
    if (fresh.length) {
      const rows = this.store.all<{ id: number; event_id: string }>(
        'SELECT dk.delivery_id AS id, k.value ->> 0 AS event_id FROM delivery_keys dk, json_each(dk.event_keys) k WHERE dk.delivery_id IN (SELECT value FROM json_each(?))',
        [JSON.stringify(fresh)],
      );
      for (const id of fresh) this.held.set(id, []);
      for (const r of rows) {
        const e = String(r.event_id);
        this.held.get(Number(r.id))!.push(e);
        this.heldCount.set(e, (this.heldCount.get(e) ?? 0) + 1);
      }
    }
    return this.heldCount;
  }

  private count(sql: string): number {
    return Number(this.store.get<{ n: number }>(sql)?.n ?? 0);
  }

  prune(limits: RetentionLimits, most = Infinity): Pruned {
    return { events: this.events(limits.events, most), messages: this.messages(limits.messages, most), deliveries: this.deliveries(limits.deliveries, most) };
  }

  private events(cap: number, most: number): number {
    const events = this.store.events;
    const excess = Math.min(events.size - cap, most);
    if (excess <= 0) return 0;
    // Spared: every queued event (the queue is in memory: queueLog.ts), and every event of a batch
    // still being delivered. The ids pruned are journaled as such, so replay needs none of this.
    const ids = events.oldestUnspared(excess, this.store.queue.eventRowRanges(), this.deliveringEventIds());
    return this.store.deleteEvents(ids);
  }

  private messages(cap: number, most: number): number {
    const total = this.store.countRows('messages');
    const excess = Math.min(total - cap, most);
    if (excess <= 0) return 0;
    // Spared: a message with lifecycle items still scheduled (the schedule is in memory; reading
    // its table would write every waiting schedule row into SQLite). At most that many of the
    // oldest are spared, so the oldest `excess` + that many hold every candidate.
    const pending = pendingMessageIds(this.store);
    const want = excess + pending.size;
    // The messages rows still waiting to go into SQLite (deferredRows.ts) are the newest: when
    // SQLite holds `want` rows, the oldest `want` are all there, and these statements leave the
    // waiting rows waiting (writing them here, in the middle of recording events, cost the
    // delivery path ~90 ms per 20,000 waiting rows). `beside` lists the tables whose waiting rows
    // they still need: none, then.
    const beside = total - this.store.waitingRows('messages') >= want ? [] : undefined;
    // Page by page from the oldest, `want` rows at most: the pending ones are usually the newest, so
    // the first page mostly holds every candidate (reading all `want` at once read ~20,000 rows a
    // check while a large send's lifecycle was still scheduled).
    const oldest: { seq: number; id: string; send_id: number }[] = [];
    /** The sends of rows read and left (held, or past the excess). */
    const kept = new Set<number>();
    let after = 0;
    for (let read = 0; oldest.length < excess && read < want; ) {
      const page = this.store.allBeside<{ seq: number; id: string; send_id: number }>(beside, 'SELECT seq, id, send_id FROM messages WHERE seq > ? ORDER BY seq LIMIT ?', [
        after,
        Math.min(want - read, Math.max(excess - oldest.length, 256)),
      ]);
      if (!page.length) break;
      read += page.length;
      after = Number(page[page.length - 1].seq);
      for (const r of page) {
        if (oldest.length < excess && !pending.has(String(r.id))) oldest.push(r);
        else kept.add(Number(r.send_id));
      }
    }
    if (!oldest.length) return 0;
    const n = this.store.runBeside(beside, 'DELETE FROM messages WHERE seq IN (SELECT value FROM json_each(?))', [JSON.stringify(oldest.map((r) => Number(r.seq)))]);
    if (n) {
      forgetMessagesByEmail(this.store);
      // The sends of the deleted messages go with their last message. One with a message still
      // waiting is no candidate: these statements see SQLite's messages only, and replay sees
      // them all. The sends' own waiting rows (one a send) do go into SQLite first.
      const waiting = new Set(this.store.waitingValues('messages', 2).map(Number));
      const candidates = [...new Set(oldest.map((r) => Number(r.send_id)))].filter((id) => !waiting.has(id));
      // Those with a message left. A send's messages have consecutive seqs (they are inserted
      // together: SqlMessageRepository.insertMessages), and every row up to `after` was read: so
      // a candidate with a message left has one among the rows read and left, or is the send of
      // the first row after them. (Asking SQLite which candidates have messages left scanned the
      // whole table, ~20–60 ms a check at 100,000 messages; there is no index by send.) The
      // DELETEs name the sends that go, so replay deletes exactly these.
      const next = this.store.allBeside<{ send_id: number }>(beside, 'SELECT send_id FROM messages WHERE seq > ? ORDER BY seq LIMIT 1', [after]);
      if (next.length) kept.add(Number(next[0].send_id));
      const gone = candidates.filter((id) => !kept.has(id));
      if (gone.length) {
        const sends = [JSON.stringify(gone)];
        const sendTables = beside && (['send_attachments', 'sends'] as const);
        this.store.runBeside(sendTables, 'DELETE FROM send_attachments WHERE send_id IN (SELECT value FROM json_each(?))', sends);
        this.store.runBeside(sendTables, 'DELETE FROM sends WHERE id IN (SELECT value FROM json_each(?))', sends);
      }
    }
    return n;
  }

  private deliveries(cap: number, most: number): number {
    const excess = Math.min(this.count(`SELECT COUNT(*) AS n FROM deliveries WHERE status NOT IN ${OPEN}`) - cap, most);
    if (excess <= 0) return 0;
    // The oldest, by id (journaled as such): their bodies and event keys (migrations 010, 011;
    // those still waiting to go into SQLite are dropped there), attempts and rows.
    const ids = this.store
      .all<{ id: number }>(`SELECT id FROM deliveries WHERE status NOT IN ${OPEN} ORDER BY id LIMIT ?`, [excess])
      .map((r) => Number(r.id));
    const list = [JSON.stringify(ids)];
    this.store.deleteDeferred('delivery_bodies', ids, 'DELETE FROM delivery_bodies WHERE delivery_id IN (SELECT value FROM json_each(?))', list);
    this.store.deleteDeferred('delivery_keys', ids, 'DELETE FROM delivery_keys WHERE delivery_id IN (SELECT value FROM json_each(?))', list);
    this.store.run('DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))', list);
    return this.store.run('DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))', list);
  }
}
