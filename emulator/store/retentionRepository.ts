/**
 * sql.js side of retention: a delete of deliveries picks "the oldest `excess` unprotected rows"
 * with a subquery, so the journaled statement replays to the same rows (same state, same
 * parameters); messages are deleted by their seqs and the in-memory events by id (what spares
 * them is in memory: the schedule, the queue), and the seqs and ids are journaled.
 */
import type { Pruned, RetentionLimits, RetentionRepository } from '../core/retention';
import type { Store } from './database';
import { pendingMessageIds } from './scheduleRepository';
import { forgetMessagesByEmail } from './sendingRepositories';

const OPEN = "('pending', 'retrying')";

export class SqlRetentionRepository implements RetentionRepository {
  constructor(private readonly store: Store) {}

  private count(sql: string): number {
    return Number(this.store.get<{ n: number }>(sql)?.n ?? 0);
  }

  prune(limits: RetentionLimits): Pruned {
    return { events: this.events(limits.events), messages: this.messages(limits.messages), deliveries: this.deliveries(limits.deliveries) };
  }

  private events(cap: number): number {
    const events = this.store.events;
    const excess = events.size - cap;
    if (excess <= 0) return 0;
    // Spared: every queued event (the queue is in memory: queueLog.ts), and every event of a batch
    // still being delivered. The ids pruned are journaled as such, so replay needs none of this.
    const queued = this.store.queue.eventRowIds();
    const delivering = new Set(
      this.store
        .all(`SELECT k.value ->> 0 AS event_id FROM deliveries d, json_each(d.event_keys) k WHERE d.status IN ${OPEN}`)
        .map((r) => String(r.event_id)),
    );
    const ids: number[] = [];
    for (const e of events.ascending()) {
      if (ids.length >= excess) break;
      if (!queued.has(e.id) && !delivering.has(e.eventId)) ids.push(e.id);
    }
    return this.store.deleteEvents(ids);
  }

  private messages(cap: number): number {
    const excess = this.store.countRows('messages') - cap;
    if (excess <= 0) return 0;
    // Spared: a message with lifecycle items still scheduled (the schedule is in memory; reading
    // its table would write every waiting schedule row into SQLite). At most that many of the
    // oldest are spared, so the oldest `excess` + that many hold every candidate.
    const pending = pendingMessageIds(this.store);
    const seqs = this.store
      .all<{ seq: number; id: string }>('SELECT seq, id FROM messages ORDER BY seq LIMIT ?', [excess + pending.size])
      .filter((r) => !pending.has(String(r.id)))
      .slice(0, excess)
      .map((r) => Number(r.seq));
    if (!seqs.length) return 0;
    const n = this.store.run('DELETE FROM messages WHERE seq IN (SELECT value FROM json_each(?))', [JSON.stringify(seqs)]);
    if (n) {
      forgetMessagesByEmail(this.store);
      this.store.run('DELETE FROM send_attachments WHERE send_id NOT IN (SELECT send_id FROM messages)');
      this.store.run('DELETE FROM sends WHERE id NOT IN (SELECT send_id FROM messages)');
    }
    return n;
  }

  private deliveries(cap: number): number {
    const excess = this.count(`SELECT COUNT(*) AS n FROM deliveries WHERE status NOT IN ${OPEN}`) - cap;
    if (excess <= 0) return 0;
    const oldest = `SELECT id FROM deliveries WHERE status NOT IN ${OPEN} ORDER BY id LIMIT ?`;
    this.store.run(`DELETE FROM delivery_attempts WHERE delivery_id IN (${oldest})`, [excess]);
    return this.store.run(`DELETE FROM deliveries WHERE id IN (${oldest})`, [excess]);
  }
}
