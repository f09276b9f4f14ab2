/**
 * sql.js side of retention: each delete picks "the oldest `excess` unprotected rows" with a
 * subquery, so the journaled statement replays to the same rows (same state, same parameters);
 * the in-memory events are pruned by id, and the ids are journaled.
 */
import type { Pruned, RetentionLimits, RetentionRepository } from '../core/retention';
import type { Store } from './database';

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
    const n = this.store.run(
      `DELETE FROM messages WHERE seq IN (
         SELECT seq FROM messages
         WHERE id NOT IN (SELECT json_extract(payload, '$.message_id') FROM scheduled_events WHERE json_extract(payload, '$.message_id') IS NOT NULL)
         ORDER BY seq LIMIT ?)`,
      [excess],
    );
    if (n) {
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
