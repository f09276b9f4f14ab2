/**
 * The events in memory (emulator/store/eventLog.ts, issue 13): what the inspector and the Email
 * Logs read must be what was recorded, newest first, filtered as the SQL did; a rolled-back
 * transaction leaves nothing; and on disk (journal, snapshot, the previous generation) the same
 * events come back, with ids never given twice.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { EventPayload } from '../../../emulator/core/events';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { EventLog, type EventRow } from '../../../emulator/store/eventLog';
import { SqlEventRepository } from '../../../emulator/store/eventRepository';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const TYPES = ['delivery', 'open', 'click', 'bounce'] as const;
const ev = (i: number): EventPayload => ({
  event: TYPES[i % 4],
  message_id: `m-${i % 5}`,
  event_id: `e-${i}`,
  timestamp: 1764150000 + i,
  email: `User${i % 3}@Example.NET`,
  sending_stream: 'transactional',
  sending_domain_name: 'example.test',
  custom_variables: { n: i, s: 'Grüße "q"\t\n\u2028' },
});
const row = (id: number): EventRow => {
  const p = ev(id);
  return { id, eventId: p.event_id, messageId: p.message_id, type: p.event, email: p.email.toLowerCase(), recordedAt: 1000 + id, json: JSON.stringify(p) };
};

/**
 * Events 1–25 in a log, its snapshot chunks of 10, and a log started from them with none read yet
 * (`read`: the chunks read, in order).
 */
function fromChunks() {
  const log = new EventLog();
  log.add(Array.from({ length: 25 }, (_, i) => row(i + 1)));
  const chunks = [...log.chunks(10)];
  const read: number[] = [];
  const again = new EventLog();
  again.setPending(chunks.map(({ key, events }) => ({ key, events })), (key) => (read.push(key), chunks.find((c) => c.key === key)!.body.toString()));
  return { log, chunks, read, again };
}

async function open(dir = tempDir(), compactBytes?: number) {
  const store = await Store.open({ dir, log, compactBytes });
  return { dir, store, events: new SqlEventRepository(store) };
}
/** The maps are built and no snapshot chunk is left to read. */
const builtAfterStart = (log: EventLog) => !log.wantsUpkeep && log.firstPendingChunk === undefined && log.size > 0;
const ids = (events: SqlEventRepository, f = {}) => events.list({ limit: 1000, ...f }).map((e) => e.payload.event_id);

describe('events in memory (EventLog)', () => {
  it('lists newest first by type, message, address and before an id, and counts the same', () => {
    const log = new EventLog();
    log.add(Array.from({ length: 40 }, (_, i) => row(i + 1)));
    const brute = (f: (r: EventRow) => boolean) => Array.from({ length: 40 }, (_, i) => row(i + 1)).filter(f).reverse().map((r) => r.id);
    assert.deepEqual(log.list({ type: 'open' }, 100).map((r) => r.id), brute((r) => r.type === 'open'));
    assert.deepEqual(log.list({ messageId: 'm-2', email: 'user1@example.net' }, 100).map((r) => r.id), brute((r) => r.messageId === 'm-2' && r.email === 'user1@example.net'));
    assert.deepEqual(log.list({ beforeId: 10 }, 3).map((r) => r.id), [9, 8, 7]);
    assert.equal(log.count({ type: 'click', messageId: 'm-1' }), brute((r) => r.type === 'click' && r.messageId === 'm-1').length);
    assert.equal(log.count({ email: 'user0@example.net' }), brute((r) => r.email === 'user0@example.net').length);
    log.delete([1, 2, 3, 20]);
    assert.equal(log.size, 36);
    assert.equal(log.count({ messageId: 'm-0' }), brute((r) => r.messageId === 'm-0' && ![1, 2, 3, 20].includes(r.id)).length);
    assert.deepEqual([...log.ascending()].slice(0, 2).map((r) => r.id), [4, 5]);
  });

  it("the maps hold each event's own keys whatever its JSON holds: escapes, text outside ASCII, capitals, look-alike fields, another order", () => {
    const base = ev(0);
    const payloads: EventPayload[] = [
      { ...base, message_id: 'm-plain', email: 'Plain@Example.NET' },
      { ...base, message_id: 'm-"quoted"\\back', email: 'q@example.net' },
      { ...base, message_id: 'm-ü', email: 'Ünïcode@Exämple.NET' },
      { ...base, message_id: 'm-tab', email: 'tab\t@example.net', event: 'open' },
      { ...base, message_id: 'm-look', email: 'real@example.net', custom_variables: { email: 'fake@example.net', message_id: 'm-fake' } },
      { ...base, message_id: 'm-\u2028', email: 'line@example.net' },
      { ...base, timestamp: 1.5e9, message_id: 'm-exp', email: 'exp@example.net', event: 'click' },
    ];
    // Another order of the same fields (an event recorded from JSON our writers did not make).
    const reordered = { email: 'Order@Example.NET', timestamp: 1, event_id: 'e-order', message_id: 'm-order', event: 'bounce' };
    const rows: EventRow[] = payloads.map((p, i) => ({ id: i + 1, eventId: `e-${i}`, messageId: p.message_id, type: p.event, email: p.email.toLowerCase(), recordedAt: 1000, json: JSON.stringify({ ...p, event_id: `e-${i}` }) }));
    rows.push({ id: 8, eventId: 'e-order', messageId: 'm-order', type: 'bounce', email: 'order@example.net', recordedAt: 1000, json: JSON.stringify(reordered) });
    const log = new EventLog();
    log.add(rows);
    for (const r of rows) {
      assert.deepEqual(log.list({ messageId: r.messageId }, 10).map((x) => x.id), [r.id], `by message ${JSON.stringify(r.messageId)}`);
      assert.deepEqual(log.list({ email: r.email }, 10).map((x) => x.id), [r.id], `by address ${JSON.stringify(r.email)}`);
      assert.equal(log.typesOf(r.messageId).join(), r.type);
    }
    assert.equal(log.count({ messageId: 'm-fake' }), 0);
    assert.equal(log.count({ email: 'fake@example.net' }), 0);
    assert.deepEqual(log.list({ type: 'click' }, 10).map((x) => x.id), [7]);
    assert.deepEqual(log.list({ type: 'bounce' }, 10).map((x) => x.id), [8]);
    assert.equal(log.count({ type: 'delivery' }), 5);
  });

  it('a rolled-back transaction leaves no event, no deletion and no id behind', () => {
    const log = new EventLog();
    log.add([row(1), row(2), row(3)]);
    log.begin();
    const first = log.reserve(2);
    log.add([row(first), row(first + 1)]);
    log.delete([1, first]);
    assert.equal(log.count({ messageId: 'm-1' }), 0, 'inside, the deletion shows');
    log.rollback();
    assert.deepEqual(log.list({}, 10).map((r) => r.id), [3, 2, 1]);
    assert.equal(log.count({ messageId: 'm-1' }), 1);
    assert.deepEqual(log.list({ messageId: 'm-1' }, 10).map((r) => r.id), [1]);
    assert.equal(log.nextId, 4);
    // Again with the key indexes made before the transaction: the same, and the id given again
    // after the rollback is listed once.
    log.begin();
    log.add([row(log.reserve(1))]);
    log.delete([1]);
    log.rollback();
    assert.deepEqual(log.list({ messageId: 'm-1' }, 10).map((r) => r.id), [1]);
    log.add([row(log.reserve(1))]);
    assert.deepEqual(log.list({ messageId: 'm-4' }, 10).map((r) => r.id), [4]);
    assert.equal(log.count({ messageId: 'm-4' }), 1);
  });

  it('oldest first past a long run of pruned events behind one spared event, also after rollbacks', () => {
    const log = new EventLog();
    log.add(Array.from({ length: 5000 }, (_, i) => row(i + 1)));
    // Retention spares event 2 (say, in a retrying batch) and prunes the 4,000 after it.
    log.delete(Array.from({ length: 4000 }, (_, i) => i + 3));
    const expected = [1, 2, ...Array.from({ length: 998 }, (_, i) => 4003 + i)];
    assert.deepEqual([...log.ascending()].map((e) => e.id), expected);
    log.begin();
    log.add([row(log.reserve(1))]);
    log.delete([1, 4500]);
    assert.deepEqual([...log.ascending()].map((e) => e.id), [2, ...expected.slice(2).filter((id) => id !== 4500), 5001]);
    log.rollback();
    assert.deepEqual([...log.ascending()].map((e) => e.id), expected);
    assert.deepEqual([...log.chunks(600)].map((c) => [c.key, c.events]), [[1, 600], [4601, 400]]);
    assert.equal(log.size, 1000);
  });

  it('kept by column: through growth, pruning far past the oldest, rollbacks and an emptied log, every read agrees with a plain list of the events', () => {
    // The events are slots of typed-array columns (issue 13), which grow, and drop their leading
    // empty slots once most are; a rollback puts back what it undoes. A plain list is the model.
    const log = new EventLog();
    let model: EventRow[] = [];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const check = (what: string) => {
      const newest = model.slice().reverse();
      assert.equal(log.size, model.length, `${what}: size`);
      assert.deepEqual(log.list({}, 50).map((r) => r.id), newest.slice(0, 50).map((r) => r.id), `${what}: newest`);
      assert.deepEqual(log.list({ type: 'click' }, 20), newest.filter((r) => r.type === 'click').slice(0, 20), `${what}: by type, whole rows`);
      assert.equal(log.count({ email: 'user2@example.net' }), model.filter((r) => r.email === 'user2@example.net').length, `${what}: by address`);
      assert.deepEqual([...log.ascending()], model.map((r) => ({ id: r.id, eventId: r.eventId, recordedAt: r.recordedAt })), `${what}: oldest first`);
      assert.deepEqual([...log.chunks(4096)].map((c) => c.events), chunkSizes(model.length, 4096), `${what}: chunks`);
      for (let k = 0; k < 5 && model.length; k++) {
        const r = model[rand(model.length)];
        assert.deepEqual(log.get(r.id), r, `${what}: event ${r.id}`);
      }
    };
    const chunkSizes = (n: number, per: number) => Array.from({ length: Math.ceil(n / per) }, (_, k) => Math.min(per, n - k * per));
    // Now and then an event id with an escape, or the fields in another order: its keys are then
    // parsed from the JSON, not read off its bytes.
    const odd = (id: number): EventRow => {
      const r = row(id);
      if (id % 7 === 0) {
        const p = { ...ev(id), event_id: `e-"${id}"` };
        return { ...r, eventId: p.event_id, json: JSON.stringify(p) };
      }
      if (id % 11 === 0) {
        const { email, ...rest } = ev(id);
        return { ...r, json: JSON.stringify({ email, ...rest }) };
      }
      return r;
    };
    const addSome = (n: number) => {
      const first = log.reserve(n);
      const rows = Array.from({ length: n }, (_, k) => odd(first + k));
      log.add(rows);
      return rows;
    };
    for (let round = 0; round < 12; round++) {
      model.push(...addSome(1000 + rand(3000)));
      // Retention: the oldest go, all but one spared now and then, far past the tidy point.
      const cut = Math.floor(model.length * 0.6);
      const spared = round % 3 === 0 ? model[1].id : -1;
      log.delete(model.slice(0, cut).filter((r) => r.id !== spared).map((r) => r.id));
      model = model.filter((r, k) => k >= cut || r.id === spared);
      // A transaction that adds (past the columns' room), deletes old and new, then rolls back.
      log.begin();
      const rolled = addSome(2500);
      log.delete([model[0].id, rolled[3].id, model[model.length - 1].id]);
      assert.equal(log.size, model.length + 2500 - 3);
      log.rollback();
      check(`round ${round}`);
    }
    // Emptied, then a rollback of the events that started it again, then for good.
    log.delete(model.map((r) => r.id));
    model = [];
    check('emptied');
    log.begin();
    addSome(10);
    log.rollback();
    check('a rolled-back start');
    model.push(...addSome(5000));
    check('started again');
  });

  it("looking up an event of a snapshot reads only its chunk (a restart's queued events, before the ready line)", () => {
    const { log, chunks, read, again } = fromChunks();
    assert.deepEqual(again.get(23), log.get(23));
    assert.equal(again.json(25), log.json(25));
    assert.deepEqual(read, [21], 'one chunk, read once for both');
    assert.equal(again.get(26), undefined);
    assert.deepEqual(again.get(12), log.get(12));
    assert.deepEqual(read, [21, 11]);
    again.hydrateSome();
    assert.deepEqual(again.get(3), log.get(3), 'read into memory: found there');
    assert.deepEqual([...again.ascending()], [...log.ascending()]);
  });

  it('messages and addresses with one event or several agree with their events through every read, before and after a sweep and a second event', () => {
    const log = new EventLog();
    const alive = new Map<number, EventRow>();
    const N = 12_000;
    // Message k has one event, every third one a second (another type); addresses likewise.
    const one = (id: number, k: number, type: string): EventRow => ({ id, eventId: `e-${id}`, messageId: `msg-${k}`, type, email: `a${k}@x.test`, recordedAt: 1, json: JSON.stringify({ event: type, message_id: `msg-${k}`, event_id: `e-${id}`, timestamp: 1, email: `A${k}@x.test` }) });
    const add = (rows: EventRow[]) => {
      log.add(rows);
      for (const r of rows) alive.set(r.id, r);
    };
    let id = 1;
    add(Array.from({ length: N }, (_, k) => one(id++, k, 'delivery')));
    add(Array.from({ length: N / 3 }, (_, k) => one(id++, k * 3, 'open')));
    const BITS = new Map([['delivery', 1], ['open', 2], ['click', 4]]);
    const check = (why: string) => {
      const byMessage = new Map<string, EventRow[]>();
      for (const r of alive.values()) byMessage.set(r.messageId, [...(byMessage.get(r.messageId) ?? []), r]);
      for (let k = 0; k < N; k += 7) {
        const mine = byMessage.get(`msg-${k}`) ?? [];
        assert.deepEqual(log.typesOf(`msg-${k}`), mine.map((r) => r.type), `${why}: types of msg-${k}`);
        assert.equal(log.typeBits(`msg-${k}`, BITS), mine.reduce((m, r) => m | BITS.get(r.type)!, 0), `${why}: bits of msg-${k}`);
        assert.deepEqual(log.ofMessage(`msg-${k}`).map((r) => r.id), mine.map((r) => r.id), `${why}: events of msg-${k}`);
        assert.deepEqual(log.list({ messageId: `msg-${k}` }, 10).map((r) => r.id), mine.map((r) => r.id).reverse());
        assert.deepEqual(log.list({ email: `a${k}@x.test` }, 10).map((r) => r.id), mine.map((r) => r.id).reverse(), `${why}: by address a${k}`);
        assert.equal(log.count({ email: `a${k}@x.test` }), mine.length);
      }
      const opened = [...byMessage].filter(([, rs]) => rs.some((r) => r.type === 'open')).map(([m]) => m).sort();
      assert.deepEqual(log.messageIdsWhere((types) => types.includes('open')).sort(), opened, `${why}: messages with an open`);
      assert.equal(log.count({ type: 'delivery' }), [...alive.values()].filter((r) => r.type === 'delivery').length);
    };
    check('built');
    // Retention deletes half the events: singles, and one or both events of pairs.
    const gone = [...alive.keys()].filter((i) => i % 2 === 0);
    log.delete(gone);
    for (const i of gone) alive.delete(i);
    check('deleted, not swept');
    assert.equal(log.wantsUpkeep, true, 'deleted ids to sweep');
    assert.equal(log.upkeep(Infinity), false);
    assert.equal(log.wantsUpkeep, false, 'swept');
    check('swept');
    // A second event for messages that had one: their entries become lists.
    add(Array.from({ length: N / 5 }, (_, k) => one(id++, k * 5 + 1, 'click')));
    check('a second event');
  });

  it('quiet-time upkeep builds the maps a slice at a time and sweeps what retention deleted; every read agrees with the events, whatever came between', () => {
    const log = new EventLog();
    const alive = new Map<number, EventRow>();
    const add = (from: number, n: number) => {
      const rows = Array.from({ length: n }, (_, i) => row(from + i));
      log.add(rows);
      for (const r of rows) alive.set(r.id, r);
    };
    const del = (ids: number[]) => {
      log.delete(ids);
      for (const id of ids) alive.delete(id);
    };
    const check = (why: string) => {
      const queries = [{ type: 'open' }, { type: 'bounce' }, { messageId: 'm-2' }, { messageId: 'm-4', type: 'delivery' }, { email: 'user1@example.net' }, { email: 'user2@example.net', type: 'click' }];
      for (const q of queries as { type?: string; messageId?: string; email?: string }[]) {
        const want = [...alive.values()]
          .filter((r) => (!q.type || r.type === q.type) && (!q.messageId || r.messageId === q.messageId) && (!q.email || r.email === q.email))
          .map((r) => r.id)
          .sort((a, b) => b - a);
        assert.deepEqual(log.list(q, 100_000).map((r) => r.id), want, `${why}: ${JSON.stringify(q)}`);
        assert.equal(log.count(q), want.length, `${why}: count ${JSON.stringify(q)}`);
      }
    };
    add(1, 30_000);
    assert.equal(log.wantsUpkeep, true, 'no maps yet');
    assert.equal(log.upkeep(10_000), true, 'one slice in, more to do');
    add(30_001, 50); // arriving mid-build
    del([5, 10_001, 29_999, 30_010]); // behind the build and ahead of it
    let slices = 1;
    for (let more = true; more && slices < 100; slices++) more = log.upkeep(10_000);
    assert.equal(slices, 4, '30,046 events, 10,000 a slice');
    assert.equal(log.wantsUpkeep, false, 'built');
    check('built in slices');
    // Retention prunes the oldest 12,000: more than half of what is left, fewer than all of it.
    del(Array.from({ length: 12_000 }, (_, i) => i + 1));
    assert.equal(log.wantsUpkeep, true, 'deleted ids to sweep');
    assert.equal(log.upkeep(10_000), false);
    assert.equal(log.wantsUpkeep, false, 'swept');
    check('swept');
    add(30_051, 10);
    assert.equal(log.wantsUpkeep, true, 'events added wait to be indexed in quiet time (not as they are added)');
    assert.equal(log.upkeep(10_000), false);
    assert.equal(log.wantsUpkeep, false);
    check('indexed in quiet time');
    add(30_061, 5);
    check('indexed by the read that needs them');
    // A read inside a transaction indexes its events; rolled back, their ids are given again to others.
    log.begin();
    const id = log.reserve(1);
    log.add([row(id)]);
    assert.equal(log.count({ messageId: row(id).messageId }) > 0, true);
    log.rollback();
    assert.equal(log.reserve(1), id, 'the id is given again');
    const other = { ...row(id + 1), id };
    log.add([other]);
    alive.set(id, other);
    check('an id given again after a rollback');
    // A build begun in quiet time, finished by a read inside a transaction that rolls back.
    del(Array.from({ length: 30_000 }, (_, i) => i + 1).filter((id) => alive.has(id)));
    assert.equal(log.wantsUpkeep, true, 'most of the maps stale: dropped, to build again');
    assert.equal(log.upkeep(20), true);
    log.begin();
    log.add([row(log.reserve(1))]);
    assert.equal(log.count({ messageId: 'm-1' }) > 0, true);
    log.rollback();
    check('after the rollback');
    for (let k = 0; k < 10_000 && log.upkeep(20); k++);
    assert.equal(log.wantsUpkeep, false);
    check('built again');
  });

  it("a snapshot chunk's bytes are its lines (id, recorded_at, JSON) as UTF-8, whatever the numbers", () => {
    const log = new EventLog();
    const times = [0, 9, 10, 99, 100, 1764150000123, 1.5, 2 ** 53 + 2, 1e21];
    const rows = [1, 2, 9, 10, 11, 99, 100, 1000, 12345].map((id, k) => ({ ...row(id), recordedAt: times[k] }));
    log.add(rows);
    const chunks = [...log.chunks(4)];
    assert.deepEqual(chunks.map((c) => [c.key, c.events]), [[1, 4], [11, 4], [12345, 1]]);
    for (const [k, c] of chunks.entries()) {
      const text = rows.slice(k * 4, k * 4 + 4).map((r) => `${r.id}\t${r.recordedAt}\t${r.json}`).join('\n');
      assert.equal(c.body.toString('utf8'), text);
      assert.equal(c.body.length, Buffer.byteLength(text));
    }
  });

  it('snapshot chunks give back the same events, JSON text byte for byte, read only when first needed', () => {
    const log = new EventLog();
    log.add(Array.from({ length: 25 }, (_, i) => row(i + 1)));
    const chunks = [...log.chunks(10)];
    assert.deepEqual(chunks.map((c) => [c.key, c.events]), [[1, 10], [11, 10], [21, 5]]);
    const read: number[] = [];
    const again = new EventLog();
    again.setPending(chunks.map(({ key, events }) => ({ key, events })), (key) => (read.push(key), chunks.find((c) => c.key === key)!.body.toString()));
    assert.equal(again.size, 25, 'counted without reading');
    assert.deepEqual(read, []);
    again.hydrateSome();
    assert.deepEqual(read, [1]);
    assert.deepEqual([...again.chunks(10)].map((c) => c.key), [1], 'only what was read goes back into a snapshot');
    assert.equal(again.firstPendingChunk, 11);
    assert.deepEqual([...again.ascending()], [...log.ascending()], 'a read reads the rest');
    assert.deepEqual(again.list({ type: 'open' }, 100), log.list({ type: 'open' }, 100));
  });
  // A flush after a restart may cut a batch before the snapshot's chunks are all read (issue 13:
  // batches are cut from the event log, not from objects kept for them).
  it('a batch body is the events\' JSON byte for byte, from memory and from chunks not yet read, without the ones gone', () => {
    const { log, chunks, read, again } = fromChunks();
    again.hydrateSome(); // events 1-10 in memory, 11-25 in chunks still pending
    const ids = [5, 6, 7, 12, 13, 22, 99];
    for (const [open, sep, close] of [['{"events":[', ',', ']}'], ['', '\n', '\n']]) {
      const cut = again.batchBody(ids, open, sep, close);
      const kept = [5, 6, 7, 12, 13, 22];
      assert.equal(cut.body.toString('utf8'), open + kept.map((id) => row(id).json).join(sep) + close);
      assert.deepEqual(cut.ids, kept, 'an id with no event is left out');
      assert.deepEqual([...cut.lengths], kept.map((id) => Buffer.byteLength(row(id).json)));
      assert.deepEqual(cut.types, ['open', 'click', 'bounce', 'delivery'], 'each once, in order of first appearance (events 5, 6, 7, 12)');
    }
    assert.equal(again.firstPendingChunk, 11, 'the chunks were looked into, not read into memory');
    assert.ok(read[0] === 1 && read.includes(11) && read.includes(21), `chunks read: ${read}`);
  });
});

describe('events in memory, on disk (store)', () => {
  it('the journal alone (as after kill -9), a snapshot plus journal, and the previous generation all give the same events', async () => {
    const { dir, store, events } = await open();
    for (let i = 0; i < 30; i++) events.insertMany([ev(i), ev(100 + i)], 1000 + i);
    const retention = new SqlRetentionRepository(store);
    assert.equal(store.transaction(() => retention.prune({ events: 50, messages: 100, deliveries: 100 })).events, 10);
    const expected = ids(events);
    assert.equal(expected.length, 50);

    const crashed = await open(dir);
    assert.deepEqual(ids(crashed.events), expected, 'journal only');
    assert.deepEqual(ids(crashed.events, { type: 'open', email: 'user1@example.net' }), ids(events, { type: 'open', email: 'user1@example.net' }));

    store.compact();
    events.insertMany([ev(200)], 2000);
    store.compact();
    events.insertMany([ev(201)], 2001);
    const fromSnapshot = await open(dir);
    assert.deepEqual(ids(fromSnapshot.events), ['e-201', 'e-200', ...expected], 'snapshot plus journal');
    assert.equal(fromSnapshot.events.get(fromSnapshot.store.events.nextId - 1)?.json, JSON.stringify(ev(201)));

    // The newest snapshot unusable: the previous one and both journals give the same.
    fs.writeFileSync(path.join(dir, 'store.sqlite'), Buffer.alloc(4096, 1));
    const fellBack = await open(dir);
    assert.deepEqual(ids(fellBack.events), ids(fromSnapshot.events), 'previous generation');
    for (const s of [crashed, fromSnapshot, fellBack]) s.store.close();
    store.close();
  });

  it('a clean stop with little committed since a compaction at rest keeps that snapshot, its chunks deflated; with more, it compacts', async () => {
    const dir = tempDir();
    const snapshot = path.join(dir, 'store.sqlite');
    const inode = () => (fs.existsSync(snapshot) ? fs.statSync(snapshot).ino : 0);
    const restOpen = () => Store.open({ dir, log, groupCommit: true, restBytes: 16_384, restMs: 50 });
    const atRest = async (before: number) => {
      for (let k = 0; k < 250 && inode() === before; k++) await new Promise((r) => setTimeout(r, 20));
      assert.notEqual(inode(), before, 'compacted at rest');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(fs.statSync(path.join(dir, 'journal.log')).size, 0, 'nothing committed since');
    };
    const store = await restOpen();
    const opened = inode();
    const events = new SqlEventRepository(store);
    events.insertMany(Array.from({ length: 6_000 }, (_, i) => ev(i)), 1000);
    await store.durable();
    await atRest(opened);
    // The rotated journal ends with a short entry, not the ~1 MB record of the 6,000 events: a
    // start reads its last line back to tell whether it holds anything past the snapshot.
    const lines = fs.readFileSync(path.join(dir, 'journal.prev.log'), 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.ok(lines.some((l) => l.length > 500_000), 'the record of the events is in it');
    assert.ok(lines[lines.length - 1].length < 500, `its last line: ${lines[lines.length - 1].length} characters`);
    const rested = inode();
    store.close();
    assert.equal(inode(), rested, 'the stop wrote no snapshot');
    const again = await restOpen();
    const chunks = again.all<{ t: string }>('SELECT typeof(body) AS t FROM event_store');
    assert.deepEqual(chunks.map((c) => c.t), ['blob', 'blob', 'blob'], "the snapshot's chunks, deflated");
    const reopened = new SqlEventRepository(again);
    assert.equal(reopened.count({}), 6_000);
    assert.deepEqual(ids(reopened, { messageId: 'm-0' }), ids(events, { messageId: 'm-0' }));
    // A little committed since (as the emulator's stop always commits the clock's time): the
    // stop still keeps the snapshot, and the next open replays the little journal.
    reopened.insertMany([ev(9_000)], 2000);
    await again.durable();
    again.close();
    assert.equal(inode(), rested, 'the stop wrote no snapshot');
    const third = await restOpen();
    const thirdEvents = new SqlEventRepository(third);
    assert.equal(thirdEvents.count({}), 6_001);
    // More than a little (~400 events' journal): the stop compacts, and keeps it all.
    thirdEvents.insertMany(Array.from({ length: 400 }, (_, i) => ev(10_000 + i)), 3000);
    await third.durable();
    third.close();
    assert.notEqual(inode(), rested, 'the stop wrote a snapshot');
    assert.equal(fs.statSync(path.join(dir, 'journal.log')).size, 0, 'and left an empty journal');
    const fourth = await restOpen();
    assert.equal(new SqlEventRepository(fourth).count({}), 6_401);
    fourth.close();
  });

  it("a stop right after a burst writes the events' chunks deflated (prepareClose), and the next open has them all; events changed after it are written as they are then", async () => {
    const dir = tempDir();
    const chunkTypes = (s: Store) => s.all<{ t: string }>('SELECT typeof(body) AS t FROM event_store').map((c) => c.t);
    const store = await Store.open({ dir, log, groupCommit: true });
    const events = new SqlEventRepository(store);
    events.insertMany(Array.from({ length: 6_000 }, (_, i) => ev(i)), 1000);
    await store.durable();
    await store.prepareClose();
    store.close();
    const again = await Store.open({ dir, log, groupCommit: true });
    assert.deepEqual(chunkTypes(again), ['blob', 'blob', 'blob'], "the snapshot's chunks, deflated");
    const reopened = new SqlEventRepository(again);
    assert.equal(reopened.count({}), 6_000);
    assert.deepEqual(ids(reopened, { messageId: 'm-0' }), ids(events, { messageId: 'm-0' }));
    // Changed after the chunks were written ahead: the export writes them again, with the change.
    reopened.insertMany(Array.from({ length: 400 }, (_, i) => ev(10_000 + i)), 2000);
    await again.durable();
    await again.prepareClose();
    reopened.insertMany([ev(20_000)], 3000);
    await again.durable();
    again.close();
    const third = await Store.open({ dir, log, groupCommit: true });
    const thirdEvents = new SqlEventRepository(third);
    assert.equal(thirdEvents.count({}), 6_401);
    assert.equal(thirdEvents.list({ limit: 1 })[0].payload.event_id, 'e-20000');
    assert.deepEqual(ids(thirdEvents, { messageId: 'm-0' }), ids(reopened, { messageId: 'm-0' }));
    // A stop without it (as before this step) writes them as text.
    thirdEvents.insertMany(Array.from({ length: 400 }, (_, i) => ev(30_000 + i)), 4000);
    await third.durable();
    third.close();
    const fourth = await Store.open({ dir, log, groupCommit: true });
    assert.ok(chunkTypes(fourth).every((t) => t === 'text'), chunkTypes(fourth).join());
    assert.equal(new SqlEventRepository(fourth).count({}), 6_801);
    fourth.close();
  });

  it('a compaction at rest writes the events\' chunks, deflated, one a quiet turn first; events changed meanwhile are snapshotted as they are then', async () => {
    const dir = tempDir();
    const store = await Store.open({ dir, log, groupCommit: true, restBytes: 16_384, restMs: 50 });
    const events = new SqlEventRepository(store);
    events.insertMany(Array.from({ length: 20_000 }, (_, i) => ev(i)), 1000); // 10 chunks of 2,000
    await store.durable();
    const ahead = () => (store as unknown as { writeEventsAhead(): boolean }).writeEventsAhead();
    const chunksIn = () => store.get<{ n: number }>('SELECT COUNT(*) AS n FROM event_store')!.n;
    // Begun by hand here, as its quiet turns would: one turn, then the events change.
    assert.equal(ahead(), true, 'more turns to come');
    assert.equal(chunksIn(), 0, 'its first turn: the next id, the old chunks out, the first chunk to the thread pool to deflate');
    events.insertMany([ev(50_000)], 2000);
    assert.equal(store.transaction(() => new SqlRetentionRepository(store).prune({ events: 19_001, messages: 100, deliveries: 100 })).events, 1000);
    await store.durable();
    const expected = ids(events, { messageId: 'm-0' });
    assert.equal(events.count({}), 19_001);
    // The rest of the compaction at rest, in quiet time.
    const snapshot = path.join(dir, 'store.sqlite');
    const before = fs.existsSync(snapshot) ? fs.statSync(snapshot).ino : 0;
    for (let k = 0; k < 200 && (!fs.existsSync(snapshot) || fs.statSync(snapshot).ino === before); k++) await new Promise((r) => setTimeout(r, 20));
    assert.notEqual(fs.statSync(snapshot).ino, before, 'compacted at rest');
    assert.equal(chunksIn(), 0, 'the chunks leave SQLite after the export');
    // As after kill -9: the snapshot alone holds the events as they were at the end.
    const again = await open(dir);
    assert.equal(again.events.count({}), 19_001);
    assert.deepEqual(ids(again.events, { messageId: 'm-0' }), expected);
    assert.equal(again.events.list({ limit: 1 })[0].payload.event_id, 'e-50000');
    again.store.close();
    // Written whole ahead, a chunk a turn once the thread pool has deflated it (deflatedText.ts)...
    const allAhead = async () => {
      for (let k = 0; k < 5000 && ahead(); k++) await new Promise((r) => setImmediate(r));
    };
    await allAhead();
    assert.equal(chunksIn(), 10, 'every chunk in');
    const kinds = store.all<{ t: string; n: number }>('SELECT typeof(body) AS t, length(body) AS n FROM event_store');
    assert.deepEqual([...new Set(kinds.map((r) => r.t))], ['blob'], 'deflated');
    const textBytes = [...store.events.chunks(2_000)].reduce((n, c) => n + c.body.length, 0);
    assert.ok(kinds.reduce((n, r) => n + r.n, 0) < textBytes / 3, 'a third of their text at most');
    // ...then an event more before the export: written again, with it.
    assert.equal(chunksIn(), 10, 'every chunk in');
    events.insertMany([ev(50_001)], 3000);
    await store.durable();
    await store.compactInBackground();
    const third = await open(dir);
    assert.equal(third.events.count({}), 19_002);
    assert.equal(third.events.list({ limit: 1 })[0].payload.event_id, 'e-50001');
    third.store.close();
    // Written whole ahead, and nothing changed: the export takes them as they are.
    await allAhead();
    assert.equal(chunksIn(), 10, 'every chunk in, before the export');
    await store.compactInBackground();
    const fourth = await open(dir);
    assert.equal(fourth.events.count({}), 19_002);
    assert.deepEqual(ids(fourth.events, { messageId: 'm-0' }), ids(events, { messageId: 'm-0' }));
    fourth.store.close();
    store.close();
  });

  it('a snapshot taken before, while or after its events are read back keeps them all', async () => {
    const { dir, store, events } = await open();
    for (let i = 0; i < 10; i++) events.insertMany(Array.from({ length: 500 }, (_, k) => ev(i * 500 + k)), 1000 + i);
    const expected = ids(events);
    store.close();
    for (const reads of [0, 1, 2, Infinity]) {
      const s = await open(dir);
      for (let n = 0; n < reads && s.store.events.hydrateSome(); n++);
      s.store.compact();
      const crashed = await open(dir);
      assert.deepEqual(ids(crashed.events), expected, `after ${reads} chunks read`);
      assert.deepEqual(ids(crashed.events, { messageId: 'm-3', type: 'click' }), ids(events, { messageId: 'm-3', type: 'click' }));
      crashed.store.close();
      s.store.close();
    }
  });

  it('an id is never given twice, even when the newest events are pruned before a snapshot', async () => {
    const { dir, store, events } = await open();
    const [a, b] = events.insertMany([ev(1), ev(2)], 1000);
    store.deleteEvents([a.id, b.id]);
    store.close(); // a snapshot with no events
    const again = await open(dir);
    const [c] = again.events.insertMany([ev(3)], 1001);
    assert.equal(c.id, b.id + 1);
    again.store.close();
  });
});

describe('the store keeps the maps of filtered reads ready', () => {
  it('builds them in quiet time after events arrive, and after a restart once the snapshot is read in; reads then agree', async () => {
    const { dir, store, events } = await open();
    events.insertMany(Array.from({ length: 12_000 }, (_, i) => ev(i)), 1000);
    assert.equal(store.events.wantsUpkeep, true, 'just written: no maps yet');
    for (let k = 0; k < 100 && store.events.wantsUpkeep; k++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(store.events.wantsUpkeep, false, 'built while the store was quiet, without a read');
    const before = ids(events, { messageId: 'm-3' });
    assert.equal(events.count({ messageId: 'm-3' }), 12_000 / 5);
    store.close();
    const again = await open(dir);
    again.store.warmUp();
    for (let k = 0; k < 100 && (again.store.events.wantsUpkeep || again.store.events.size !== 12_000 || !builtAfterStart(again.store.events)); k++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(builtAfterStart(again.store.events), true, 'read in and built after the start, without a read');
    assert.deepEqual(ids(again.events, { messageId: 'm-3' }), before);
    assert.equal(again.events.count({ messageId: 'm-3' }), 12_000 / 5);
    again.store.close();
  });
});
