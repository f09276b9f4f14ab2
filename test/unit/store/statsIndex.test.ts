/**
 * The Stats API's in-memory index (statsIndex.ts) against the SQL query it replaced, on the real
 * services and a real store: the buckets must be the same after sends, lifecycles, more sends,
 * retention deleting messages (the oldest, with held ones spared in between) and events, after
 * most of what it ever saw is gone, after a reopen, and inside a transaction. Shapes and rates:
 * test/integration/logs/stats.test.ts (`mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatsBucket, StatsQuery } from '../../../emulator/core/logs/emailLog';
import type { SendingStream } from '../../../emulator/core/types';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlEmailLogRepository } from '../../../emulator/store/emailLogRepository';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { StatsIndex } from '../../../emulator/store/statsIndex';
import { tempDir } from '../../helpers/emulatorProcess';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const log = createLogger('test', { level: 'error', write: () => undefined });
const DAY_MS = 86_400_000;
const TAGS = ['', '+bounce', '+open', '+click', '+spam', '+unsubscribe', '+soft-bounce', '+suspension'];

type Core = Awaited<ReturnType<typeof inMemoryCore>>;

/** `n` sends of 1–4 recipients over two domains, both streams, three categories (one none), seven recipient domains, every scenario. */
function sendSome(core: Core, n: number, from = 0, recipientDomain = (i: number) => ['gmail.com', 'yahoo.com', 'outlook.com', 'example.net', 'me.com', 'corp.test', 'mail.ru'][i % 7]): void {
  for (let k = from; k < from + n; k++) {
    const to = Array.from({ length: 1 + (k % 4) }, (_, j) => ({ email: `u${k}-${j}${TAGS[(k + j) % TAGS.length]}@${recipientDomain(k + j)}` }));
    const category = [undefined, 'Welcome', 'News'][k % 3];
    const stream: SendingStream = k % 5 === 0 ? 'bulk' : 'transactional';
    core.sending.service.ingest({ from: { email: k % 2 ? 'app@shop.test' : 'pay@billing.test' }, to, subject: 's', text: 't', ...(category ? { category } : {}) }, stream);
  }
}

const sorted = (b: StatsBucket[]) => b.map((x) => JSON.stringify(x)).sort();

function queries(now: number): StatsQuery[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return [
    { startMs: 0, endMs: 8e15 },
    { startMs: today, endMs: today + DAY_MS },
    { startMs: today - DAY_MS, endMs: today },
    { startMs: 0, endMs: 8e15, domainNames: ['shop.test'] },
    { startMs: 0, endMs: 8e15, streams: ['bulk'] },
    { startMs: 0, endMs: 8e15, categories: ['Welcome', 'News'] },
    { startMs: today, endMs: 8e15, domainNames: ['billing.test', 'none.test'], streams: ['transactional'], categories: ['News'] },
  ];
}

/** The index's buckets equal SQL's for every query; returns how many messages the index counted as delivered. */
function same(index: StatsIndex, store: Store, now: number, what: string): number {
  const sql = new SqlEmailLogRepository(store);
  for (const q of queries(now)) assert.deepEqual(sorted(index.buckets(q)), sorted(sql.statsBucketsBySql(q)), `${what}: ${JSON.stringify(q)}`);
  return index.buckets(queries(now)[0]).reduce((n, b) => n + b.delivered, 0);
}

describe('the Stats API index (store)', () => {
  it('equals the SQL query through sends, lifecycles, new days, retention of messages and events, and a reopen', async () => {
    const dir = tempDir();
    const core = await inMemoryCore({ dir, scale: 0.000001 });
    const { store, clock } = core;
    const index = new StatsIndex(store);
    sendSome(core, 40);
    // Sent, nothing happened yet: groups with no counts, as SQL has them.
    same(index, store, clock.now(), 'sent');
    await core.core.advanceClock(3600);
    const first = same(index, store, clock.now(), 'after the lifecycles');
    assert.ok(first > 20, `deliveries counted (${first})`);
    // The next day: new messages, new groups, the old ones unchanged.
    await core.core.advanceClock(DAY_MS / 1000);
    sendSome(core, 40, 40);
    await core.core.advanceClock(3600);
    const second = same(index, store, clock.now(), 'a day later');
    assert.ok(second > first, `more deliveries counted (${first} → ${second})`);
    // Retention deletes the oldest messages, sparing those still re-checked (suspensions), and events.
    const total = store.countRows('messages');
    sendSome(core, 12, 80); // some of these are still scheduled when pruned
    await core.core.advanceClock(1);
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 150, messages: total - 60, deliveries: 100 }));
    assert.ok(pruned.messages > 0 && pruned.events > 0, JSON.stringify(pruned));
    const third = same(index, store, clock.now(), 'after retention');
    assert.ok(third < second, `pruned messages and events no longer counted (${second} → ${third})`);
    // Each message was read from SQLite once: the deleted ones were found, not everything read again.
    assert.equal(index.messagesRead, store.countRows('messages') + pruned.messages);
    // Inside a transaction (which could roll back), the repository asks SQL: the same answer.
    const repo = new SqlEmailLogRepository(store);
    store.transaction(() => assert.deepEqual(sorted(repo.statsBuckets(queries(clock.now())[0])), sorted(repo.statsBucketsBySql(queries(clock.now())[0]))));
    store.close();
    // Reopened from disk: a new index, built from the start.
    const again = await Store.open({ dir, log });
    same(new StatsIndex(again), again, clock.now(), 'reopened');
    again.close();
  });

  it('finds the deleted messages between those retention spared (still being re-checked), without reading the rest again', async () => {
    const core = await inMemoryCore({ scale: 0.000001 });
    const { store, clock } = core;
    const index = new StatsIndex(store);
    // Every third recipient is suspended: re-checked for minutes, so retention spares it.
    for (let k = 0; k < 60; k++) core.sending.service.ingest({ from: { email: 'app@shop.test' }, to: [{ email: `u${k}${k % 3 ? '' : '+suspension'}@gmail.com` }], subject: 's', text: 't' }, 'transactional');
    await core.core.advanceClock(120);
    same(index, store, clock.now(), 'before');
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 30, deliveries: 100 }));
    assert.equal(pruned.messages, 30);
    same(index, store, clock.now(), 'after');
    // Then all but the held ones: the newest the index saw go too.
    const rest = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 1, deliveries: 100 }));
    assert.equal(rest.messages, 10);
    same(index, store, clock.now(), 'the newest deleted');
    assert.equal(index.messagesRead, 60, 'each message read once');
    store.close();
  });

  it('forgets the groups of the messages retention deleted, and still equals SQL after', async () => {
    const core = await inMemoryCore({ scale: 0.000001 });
    const { store, clock } = core;
    const index = new StatsIndex(store);
    // One group a message (a recipient domain each): 3,000 groups, then all but the newest few deleted.
    sendSome(core, 1200, 0, (i) => `d${i}.test`);
    await core.core.advanceClock(3600);
    same(index, store, clock.now(), 'many groups');
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 100, messages: 60, deliveries: 100 }));
    assert.ok(pruned.messages > 2000, JSON.stringify(pruned));
    same(index, store, clock.now(), 'most deleted');
    sendSome(core, 30, 5000, (i) => `d${i % 50}.test`);
    await core.core.advanceClock(3600);
    const delivered = same(index, store, clock.now(), 'new sends after');
    assert.ok(delivered > 10, `deliveries counted (${delivered})`);
    store.close();
  });
});
