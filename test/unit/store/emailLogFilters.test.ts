/**
 * Email Logs' status, event and count filters (`filters[status]`, `filters[events]`,
 * `filters[opens_count]`, `filters[clicks_count]`) worked out over the events in memory: each page
 * and count must hold exactly the messages whose own events give that status (`deriveStatus`,
 * `analytics/statuses-and-events.md`), hold that event type or that many of it, including
 * messages with no event yet and messages whose events retention deleted (both `enqueued`, both
 * without any event type), on the real services and a real store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveStatus, type EmailLogFilter, type EmailLogStatus } from '../../../emulator/core/logs/emailLog';
import type { PayloadEventName } from '../../../emulator/core/types';
import { SqlEmailLogRepository } from '../../../emulator/store/emailLogRepository';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const TAGS = ['', '+bounce', '+open', '+click', '+spam', '+unsubscribe', '+soft-bounce', '+suspension', '+reject'];
const STATUSES: EmailLogStatus[] = ['enqueued', 'delivered', 'not_delivered', 'opted_out'];
const TYPES: PayloadEventName[] = ['delivery', 'bounce', 'soft bounce', 'open', 'click', 'spam', 'unsubscribe', 'suspension', 'reject'];

describe('Email Logs: status and event filters over the events in memory', () => {
  it('select exactly the messages whose events say so, with no events yet or after retention deleted them', async () => {
    const core = await inMemoryCore({ scale: 0.000001 });
    const { store } = core;
    const send = (from: number, n: number) => {
      for (let k = from; k < from + n; k++) {
        core.sending.service.ingest({ from: { email: 'app@shop.test' }, to: [{ email: `u${k}${TAGS[k % TAGS.length]}@gmail.com` }], subject: 's', text: 't' }, 'transactional');
      }
    };
    send(0, 45);
    await core.core.advanceClock(3600);
    // The oldest events go (their messages stay), then more messages that have no event yet.
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 40, messages: 1000, deliveries: 100 }));
    assert.ok(pruned.events > 0, JSON.stringify(pruned));
    send(45, 10);
    const repo = new SqlEmailLogRepository(store);
    const all = repo.list({}, { limit: 1000 });
    assert.equal(all.length, 55);
    const typesOf = (id: string) => store.events.typesOf(id) as PayloadEventName[];
    assert.ok(all.filter((m) => typesOf(m.messageId).length === 0).length > 10, 'some messages have no event (new, or pruned)');
    const ids = (f: EmailLogFilter) => repo.list(f, { limit: 1000 }).map((m) => m.messageId).sort();
    const expect = (keep: (types: PayloadEventName[]) => boolean) => all.filter((m) => keep(typesOf(m.messageId))).map((m) => m.messageId).sort();
    let seen = 0;
    for (const negate of [false, true]) {
      for (const values of [...STATUSES.map((s) => [s]), ['enqueued', 'delivered'] as EmailLogStatus[], ['not_delivered', 'opted_out'] as EmailLogStatus[]]) {
        const f: EmailLogFilter = { status: { negate, values } };
        const want = expect((t) => values.includes(deriveStatus(t)) !== negate);
        assert.deepEqual(ids(f), want, JSON.stringify(f));
        assert.equal(repo.count(f), want.length, JSON.stringify(f));
        if (want.length && want.length < 55) seen++;
      }
      for (const values of [...TYPES.map((t) => [t]), ['open', 'click'] as PayloadEventName[]]) {
        const f: EmailLogFilter = { events: { negate, values } };
        const want = expect((t) => t.some((x) => values.includes(x)) !== negate);
        assert.deepEqual(ids(f), want, JSON.stringify(f));
        assert.equal(repo.count(f), want.length, JSON.stringify(f));
        if (want.length && want.length < 55) seen++;
      }
    }
    for (const [key, type] of [['opensCount', 'open'], ['clicksCount', 'click']] as const) {
      for (const op of ['equal', 'greater_than', 'less_than'] as const) {
        for (const value of [0, 1, 2]) {
          const f: EmailLogFilter = { [key]: { op, value } };
          const holds = (c: number) => (op === 'equal' ? c === value : op === 'greater_than' ? c > value : c < value);
          const want = expect((t) => holds(t.filter((x) => x === type).length));
          assert.deepEqual(ids(f), want, JSON.stringify(f));
          assert.equal(repo.count(f), want.length, JSON.stringify(f));
          if (want.length && want.length < 55) seen++;
        }
      }
    }
    assert.ok(seen > 30, `filters that keep some and leave some (${seen})`);
    // Both, and with a page cursor: the same as filtering the full list.
    const both: EmailLogFilter = { status: { negate: false, values: ['delivered', 'opted_out'] }, events: { negate: true, values: ['open'] } };
    const want = expect((t) => ['delivered', 'opted_out'].includes(deriveStatus(t)) && !t.includes('open'));
    assert.deepEqual(ids(both), want);
    const firstPage = repo.list(both, { limit: 3 });
    const rest = repo.list(both, { limit: 1000, beforeSeq: firstPage[2].seq });
    assert.deepEqual([...firstPage, ...rest].map((m) => m.messageId).sort(), want);
    // Events arriving between two reads are seen by the next one.
    const delivered: EmailLogFilter = { status: { negate: false, values: ['delivered'] } };
    const before = ids(delivered);
    await core.core.advanceClock(3600);
    const after = expect((t) => deriveStatus(t) === 'delivered');
    assert.ok(after.length > before.length, `${before.length} → ${after.length} delivered`);
    assert.deepEqual(ids(delivered), after);
    store.close();
  });
});
