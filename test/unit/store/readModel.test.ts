/**
 * The read-model tables on a real sql.js store (issue 13): `scheduled_events` and a send's rows
 * are journaled at once but reach SQLite only before something reads them; the events and the
 * delivery queue live in memory (eventLog.ts, queueLog.ts) and never reach SQLite. What a user can see must not change: every read sees every committed write, a rolled-back
 * transaction leaves nothing, and the journal alone (as after kill -9) rebuilds the same state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventKeys, newBatch, newDelivery } from '../../../emulator/core/delivery/batch';
import { bodyBytesFromJson, bodyFromJson, buildBody } from '../../../emulator/core/delivery/body';
import type { EventPayload } from '../../../emulator/core/events';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlDeliveryRepository } from '../../../emulator/store/deliveryRepository';
import { SqlEventRepository } from '../../../emulator/store/eventRepository';
import { SqlScheduleRepository } from '../../../emulator/store/scheduleRepository';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { SqlMessageRepository } from '../../../emulator/store/sendingRepositories';
import { tempDir } from '../../helpers/emulatorProcess';
import { DeferredRows, LASTING_TABLES, rowCost } from '../../../emulator/store/deferredRows';
import { LazyText } from '../../../emulator/store/statements';
import { jsonByteLength, utf8Json, type JsonText } from '../../../emulator/core/jsonText';
import type { SqlValue } from 'sql.js';

const log = createLogger('test', { level: 'error', write: () => undefined });
const ev = (i: number, extra: Partial<EventPayload> = {}): EventPayload => ({
  event: i % 3 ? 'delivery' : 'open',
  message_id: `m-${i}`,
  event_id: `e-${i}`,
  timestamp: 1764150000 + i,
  email: `User${i}@Example.NET`,
  sending_stream: 'transactional',
  sending_domain_name: 'example.test',
  custom_variables: { n: i, s: 'Grüße "q" \u2028' },
  ...extra,
});

/** A batch's events as `insertBatch` takes them: their rows, and their JSON's byte lengths in its body. */
const rowsOf = (taken: { eventRowId: number; json: JsonText }[]) => ({
  eventRowIds: taken.map((q) => q.eventRowId),
  lengths: Int32Array.from(taken, (q) => jsonByteLength(q.json)),
});

async function open(dir = tempDir()) {
  const store = await Store.open({ dir, log });
  return { dir, store, events: new SqlEventRepository(store), repo: new SqlDeliveryRepository(store) };
}

describe('read model (store)', () => {
  for (const format of ['json', 'jsonlines'] as const) {
    it(`queued events batched never reach SQLite, and the journal rebuilds the same ${format} batch and queue`, async () => {
      const { dir, store, events, repo } = await open();
      const payloads = Array.from({ length: 150 }, (_, i) => ev(i));
      const stored = events.insertMany(payloads, 1000);
      assert.deepEqual(stored.map((s) => s.json), payloads.map((p) => JSON.stringify(p)), 'each event carries its stored JSON');
      // Two webhooks' queues interleaved; webhook 1 gets every event, webhook 2 every other one.
      const entries = stored.flatMap((s, i) => [{ webhookId: 1, eventRowId: s.id }, ...(i % 2 ? [] : [{ webhookId: 2, eventRowId: s.id }])]);
      const first = store.transaction(() => repo.enqueue(entries, 1000));
      const queue1 = entries
        .map((e, i) => ({ ...e, queueId: first + i }))
        .filter((e) => e.webhookId === 1)
        .map((e) => {
          const s = stored.find((x) => x.id === e.eventRowId)!;
          return { queueId: e.queueId, webhookId: 1, queuedAt: 1000, eventRowId: s.id, json: s.json, ...eventKeys([s.payload])[0] };
        });
      const taken = queue1.slice(0, 100);
      const body = bodyFromJson(taken.map((q) => q.json), format);
      assert.equal(body, buildBody(payloads.slice(0, 100), format), 'the body is the events joined, byte for byte');
      // The engine's cut: webhook 1's first 100, made from the queue and the events as the store keeps them.
      const cut = repo.queuedBatch(1, 100, format)!;
      assert.equal(Buffer.from(cut.body).toString('utf8'), body, "the cut's body is the same bytes");
      assert.deepEqual(cut.eventRowIds, taken.map((q) => q.eventRowId));
      assert.equal(cut.through, taken[99].queueId);
      assert.deepEqual(cut.types, ['open', 'delivery'], 'each type once, in order of first appearance');
      assert.deepEqual(cut.messageIds, payloads.slice(0, 50).map((p) => p.message_id), 'the first 50 message ids');
      assert.equal(repo.queuedBatch(1, 100, format)?.through, cut.through, 'it stays queued until dequeued');
      const del = store.transaction(() => {
        const d = repo.insertBatch(newBatch(1, 'http://x.test/hook', format, cut, 2000), cut);
        repo.dequeue(1, cut.through);
        return d;
      });
      assert.equal(repo.queuedBatch(1, 100, format)?.eventRowIds.length, 50, 'the rest of the queue is the next batch');
      // Its body and its event keys wait to go into SQLite (migrations 010, 011); reading the
      // delivery's state, or listing deliveries with no filter on their events, leaves them waiting...
      assert.equal(store.waitingRows('delivery_bodies'), 1);
      assert.equal(store.waitingRows('delivery_keys'), 1);
      assert.equal(repo.refresh(del)?.status, 'pending');
      assert.equal(repo.count({ webhookId: 1 }), 1);
      assert.equal(store.waitingRows('delivery_bodies'), 1);
      assert.equal(store.waitingRows('delivery_keys'), 1);
      // ...a read of the delivery sees its body (read-your-writes)...
      assert.equal(repo.get(del.id)?.body, body);
      assert.equal(store.waitingRows('delivery_bodies'), 0);
      assert.equal(store.waitingRows('delivery_keys'), 1);
      // ...and a filter on its events sees them: the keys are written first. Filters see the batch...
      assert.deepEqual(repo.list({ messageId: 'm-42' }).map((d) => d.id), [del.id]);
      assert.equal(store.waitingRows('delivery_keys'), 0);
      assert.deepEqual(repo.list({ email: 'user7@example.net' }).map((d) => d.id), [del.id]);
      // Filters on the same event: user9's event is an `open`, user7's a `delivery` (the batch has opens).
      assert.deepEqual(repo.list({ event: 'open', email: 'user9@example.net' }).map((d) => d.id), [del.id]);
      assert.deepEqual(repo.list({ event: 'open', email: 'user7@example.net' }).map((d) => d.id), []);
      // ...and the queue (in memory) holds exactly what is left.
      assert.equal(store.queue.size, 125);
      const queued = store.queue.all();
      assert.equal(store.deferredRows, 0);
      assert.equal(queued.filter((q) => q.webhookId === 1).length, 50, "the webhook's later events stay queued");
      assert.equal(queued.filter((q) => q.webhookId === 2).length, 75, "the other webhook's queue is untouched");
      assert.equal(queued.find((q) => q.webhookId === 1)?.eventRowId, stored[100].id);
      // As after kill -9 (no clean close): the journal alone rebuilds the same state, the batch's
      // body (journaled as "the JSON of these event rows") byte for byte.
      const again = await open(dir);
      assert.equal(again.repo.get(del.id)?.body, body);
      // The batch's event keys too (journaled as "made from these event rows"): the same text, and the filters agree.
      const keysOf = (s: Store) => s.get<{ k: string }>('SELECT event_keys AS k FROM delivery_keys WHERE delivery_id = ?', [del.id])?.k;
      assert.equal(keysOf(store), JSON.stringify(taken.map((k) => [k.eventId, k.type, k.messageId, k.email])));
      assert.equal(keysOf(again.store), keysOf(store));
      for (const f of [{ messageId: 'm-42' }, { email: 'user7@example.net' }, { event: 'open' as const, email: 'user9@example.net' }, { event: 'open' as const, email: 'user7@example.net' }, { search: 'user1' }]) {
        assert.deepEqual(again.repo.list(f).map((d) => d.id), repo.list(f).map((d) => d.id), JSON.stringify(f));
      }
      assert.deepEqual(again.store.queue.all(), queued);
      assert.deepEqual(again.events.list({ limit: 500 }).map((e) => e.id), events.list({ limit: 500 }).map((e) => e.id));
      again.store.close();
      store.close();
    });
  }

  for (const format of ['json', 'jsonlines'] as const) {
    it(`a ${format} batch cut from the queue is its events' JSON byte for byte, wherever each is kept, without the events that are gone`, async () => {
      const { store, events, repo } = await open();
      // Three recordings whose JSON lies in the shared slab apart (other text written between them),
      // and a fourth event kept as a text of its own making: runs of adjacent JSON and single ones.
      const payloads = Array.from({ length: 12 }, (_, i) => ev(i, i === 5 ? { custom_variables: { long: 'x'.repeat(3000) } } : {}));
      const stored = [...events.insertMany(payloads.slice(0, 5), 1000)];
      utf8Json('"between"');
      stored.push(...events.insertMany(payloads.slice(5, 9), 1000));
      utf8Json('"between"');
      stored.push(...events.insertMany(payloads.slice(9), 1000));
      store.transaction(() => repo.enqueue(stored.map((e) => ({ webhookId: 3, eventRowId: e.id })), 1000));
      // Two events gone (retention never prunes a queued one; a batch must not break if one is).
      store.deleteEvents([stored[3].id, stored[10].id]);
      const kept = payloads.filter((_, i) => i !== 3 && i !== 10);
      const cut = repo.queuedBatch(3, 100, format)!;
      assert.equal(Buffer.from(cut.body).toString('utf8'), buildBody(kept, format));
      assert.deepEqual(cut.eventRowIds, stored.filter((_, i) => i !== 3 && i !== 10).map((e) => e.id));
      assert.deepEqual([...cut.lengths], kept.map((p) => Buffer.byteLength(JSON.stringify(p))));
      assert.equal(cut.through, store.queue.all().at(-1)?.id, 'the gone events leave the queue with the batch');
      // Cut in two by the batch size: the second starts where the first ended.
      const first = repo.queuedBatch(3, 6, format)!;
      store.transaction(() => repo.dequeue(3, first.through));
      const second = repo.queuedBatch(3, 100, format)!;
      assert.equal(Buffer.from(first.body).toString('utf8'), buildBody(kept.slice(0, first.eventRowIds.length), format));
      assert.deepEqual([...first.eventRowIds, ...second.eventRowIds], cut.eventRowIds);
      assert.equal(Buffer.from(second.body).toString('utf8'), buildBody(kept.slice(first.eventRowIds.length), format));
      store.close();
    });
  }

  it("retention prunes a delivered batch whose body is still waiting: nothing of it is left, and the journal alone agrees", async () => {
    const { dir, store, events, repo } = await open();
    const stored = events.insertMany(Array.from({ length: 4 }, (_, i) => ev(i)), 1000);
    const batch = (from: number) => {
      const taken = stored.slice(from, from + 2).map((s, k) => ({ queueId: from + k + 1, webhookId: 1, queuedAt: 1000, eventRowId: s.id, json: s.json, ...eventKeys([s.payload])[0] }));
      const d = store.transaction(() => repo.insertBatch(newDelivery('batch', 1, 'http://x.test/hook', 'json', taken, bodyFromJson(taken.map((q) => q.json), 'json'), 2000), rowsOf(taken)));
      store.transaction(() => repo.update(d.id, { status: 'delivered', attemptCount: 1, nextAttemptAt: null, lastStatus: 200, lastError: null }));
      return d;
    };
    const old = batch(0);
    const kept = batch(2);
    assert.equal(store.waitingRows('delivery_bodies'), 2);
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 1000, deliveries: 1 }));
    assert.equal(pruned.deliveries, 1);
    assert.equal(store.waitingRows('delivery_bodies'), 1, "the pruned batch's waiting body went without being written");
    assert.equal(store.waitingRows('delivery_keys'), 1, 'so did its event keys (migration 011)');
    assert.equal(repo.get(old.id), undefined);
    assert.equal(repo.get(kept.id)?.body, kept.body);
    const bodies = (s: Store) => s.all<{ id: number }>('SELECT delivery_id AS id FROM delivery_bodies ORDER BY 1').map((r) => Number(r.id));
    assert.deepEqual(bodies(store), [kept.id], 'no body row without its delivery');
    const keyRows = (s: Store) => s.all<{ id: number }>('SELECT delivery_id AS id FROM delivery_keys ORDER BY 1').map((r) => Number(r.id));
    assert.deepEqual(keyRows(store), [kept.id], 'no keys row without its delivery');
    assert.deepEqual(repo.list({ email: 'user3@example.net' }).map((d) => d.id), [kept.id]);
    const again = await open(dir);
    assert.deepEqual(bodies(again.store), [kept.id]);
    assert.deepEqual(keyRows(again.store), [kept.id]);
    assert.equal(again.repo.get(kept.id)?.body, kept.body);
    again.store.close();
    store.close();
  });

  it('retention spares the events of an open batch whose event keys still wait to go into SQLite, and prunes them once it is delivered', async () => {
    const { store, events, repo } = await open();
    const stored = events.insertMany(Array.from({ length: 6 }, (_, i) => ev(i)), 1000);
    const taken = stored.slice(0, 4).map((s, k) => ({ queueId: k + 1, webhookId: 1, queuedAt: 1000, eventRowId: s.id, json: s.json, ...eventKeys([s.payload])[0] }));
    const d = store.transaction(() => repo.insertBatch(newDelivery('batch', 1, 'http://x.test/hook', 'json', taken, bodyFromJson(taken.map((q) => q.json), 'json'), 2000), rowsOf(taken)));
    assert.equal(store.waitingRows('delivery_keys'), 1);
    const retention = new SqlRetentionRepository(store);
    const prune = () => store.transaction(() => retention.prune({ events: 2, messages: 1000, deliveries: 1000 }));
    // Cap 2: the four events of the open batch stay; the two others are the only ones to go.
    assert.equal(prune().events, 2);
    assert.deepEqual(events.list({ limit: 10 }).map((e) => e.payload.event_id).sort(), ['e-0', 'e-1', 'e-2', 'e-3']);
    store.transaction(() => repo.update(d.id, { status: 'delivered', attemptCount: 1, nextAttemptAt: null, lastStatus: 200, lastError: null }));
    assert.equal(prune().events, 2, 'delivered: its events are pruned down to the cap');
    assert.equal(events.count({}), 2);
    store.close();
  });

  it("a delivery's attempts wait to go into SQLite, with their ids; a read of them sees them, the journal alone rebuilds them, and the next id follows on", async () => {
    const { dir, store, repo } = await open();
    const del = store.transaction(() => repo.insert(newDelivery('test', 1, 'http://x.test/hook', 'json', [], '{"events":[]}', 2000), []));
    const attempt = (number: number, ok: boolean) => ({
      deliveryId: del.id,
      number,
      startedAt: 2000 + number,
      durationMs: 3,
      request: { method: 'POST' as const, url: 'http://x.test/hook', headers: { 'Content-Type': 'application/json' } },
      response: ok ? { status: 200, headers: { 'x-seen': 'yes' }, body: 'ok', truncated: false } : null,
      error: ok ? null : 'ECONNREFUSED: refused',
      ok,
    });
    // Recorded as the engine records an attempt: in the transaction that updates the delivery.
    const first = store.transaction(() => repo.insertAttempt(attempt(1, false)));
    const second = store.transaction(() => repo.insertAttempt(attempt(2, true)));
    assert.equal(store.waitingRows('delivery_attempts'), 2, 'their rows wait (issue 13)');
    assert.equal(second.id, first.id + 1);
    const read = repo.attempts(del.id);
    assert.deepEqual(read.map((a) => [a.id, a.number, a.ok, a.error, a.response?.status ?? null, a.response?.headers ?? null]), [
      [first.id, 1, false, 'ECONNREFUSED: refused', null, null],
      [second.id, 2, true, null, 200, { 'x-seen': 'yes' }],
    ]);
    assert.equal(store.waitingRows('delivery_attempts'), 0, 'the read wrote them first');
    const third = store.transaction(() => repo.insertAttempt(attempt(3, true)));
    assert.equal(third.id, second.id + 1, 'ids go on from those in SQLite');
    // As after kill -9: the journal alone rebuilds all three, with their ids.
    const again = await open(dir);
    assert.deepEqual(again.repo.attempts(del.id).map((a) => [a.id, a.number]), [[first.id, 1], [second.id, 2], [third.id, 3]]);
    const fourth = again.store.transaction(() => again.repo.insertAttempt(attempt(4, true)));
    assert.equal(fourth.id, third.id + 1, 'and after the reopen, the next id follows the last');
    again.store.close();
    store.close();
  });

  it('a read right after a write sees it; a rolled-back transaction leaves no event, queue row or id behind', async () => {
    const { store, events, repo } = await open();
    const [a] = events.insertMany([ev(1)], 1000);
    assert.equal(events.get(a.id)?.payload.event_id, 'e-1', 'read-your-writes');
    assert.throws(() =>
      store.transaction(() => {
        const [b] = events.insertMany([ev(2)], 1000);
        repo.enqueue([{ webhookId: 1, eventRowId: b.id }], 1000);
        throw new Error('a consumer failed');
      }),
    );
    assert.equal(store.events.size, 1);
    assert.equal(store.queue.size, 0, 'nor a queue entry');
    const [c] = events.insertMany([ev(3)], 1000);
    assert.equal(c.id, a.id + 1, 'the rolled-back id is reused, as SQLite would');
    assert.deepEqual(events.list({}).map((e) => e.payload.event_id), ['e-3', 'e-1']);
    store.close();
  });

  it('rows a rolled-back transaction wrote into SQLite (or dropped) wait again', async () => {
    const { dir, store, events, repo } = await open();
    const stored = events.insertMany([ev(1), ev(2), ev(3)], 1000);
    const first = store.transaction(() => repo.enqueue(stored.map((s) => ({ webhookId: 1, eventRowId: s.id })), 1000));
    assert.throws(() =>
      store.transaction(() => {
        repo.dequeue(1, first + 1); // drops two waiting queue rows
        events.list({}); // a read inside: writes the waiting rows into this transaction
        throw new Error('rolled back');
      }),
    );
    assert.equal(store.events.size, 3);
    assert.equal(store.queue.all().length, 3, 'the dropped queue rows are back');
    assert.equal(events.list({}).length, 3);
    store.close();
    const again = await open(dir);
    assert.equal(again.store.queue.all().length, 3);
    again.store.close();
  });

  it('lasting rows are written when the process is idle; the queue stays in memory, and a clean close keeps it all', async () => {
    const { dir, store, events, repo } = await open();
    const stored = events.insertMany(Array.from({ length: 10 }, (_, i) => ev(i)), 1000);
    store.transaction(() => repo.enqueue(stored.map((e) => ({ webhookId: 1, eventRowId: e.id })), 1000));
    const keys = eventKeys(stored.map((e) => e.payload));
    const del = store.transaction(() => repo.insert(newDelivery('test', 1, 'http://x.test/hook', 'json', keys, '{}', 2000), keys));
    new SqlMessageRepository(store).insertMessages(Array.from({ length: 10 }, (_, i) => ({ id: `m-${i}`, sendId: 1, email: `User${i}@example.net`, kind: 'to' as const, createdAt: 1000 })));
    assert.equal(store.waitingRows('messages'), 10, 'the messages rows wait');
    assert.equal(store.waitingRows('delivery_keys'), 1, "and the test delivery's event keys (migration 011)");
    for (let i = 0; i < 50 && store.deferredRows > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(store.deferredRows, 0, 'idle: the messages rows and the keys are written without a read');
    assert.equal(store.queue.size, 10);
    events.insertMany([ev(11)], 1000);
    store.close();
    const again = await open(dir);
    assert.equal(again.events.count({}), 11);
    assert.equal(again.store.queue.all().length, 10);
    assert.deepEqual(again.repo.list({ messageId: 'm-3' }).map((d) => d.id), [del.id]);
    assert.equal(new SqlMessageRepository(again.store).get('m-3')?.email, 'user3@example.net');
    again.store.close();
  });

  it("a batch's body is stored deflated once quiet time writes it, as its text when a read needs it first; both read back byte for byte, after a reopen too", async () => {
    const { dir, store, events, repo } = await open();
    const stored = events.insertMany(Array.from({ length: 1000 }, (_, i) => ev(i)), 1000);
    const batch = (from: number) => {
      const taken = stored.slice(from, from + 500).map((s, k) => ({ queueId: from + k + 1, webhookId: 1, queuedAt: 1000, eventRowId: s.id, json: s.json, ...eventKeys([s.payload])[0] }));
      // As the engine cuts one: its body as the bytes it sends (issue 13), not as text.
      const bytes = bodyBytesFromJson(taken.map((q) => q.json), 'json');
      const { id } = store.transaction(() => repo.insertBatch(newDelivery('batch', 1, 'http://x.test/hook', 'json', taken, bytes, 2000), rowsOf(taken)));
      return { id, body: bodyFromJson(taken.map((q) => q.json), 'json') };
    };
    const stats = (s: Store, id: number) => s.get<{ t: string; n: number }>('SELECT typeof(body) AS t, length(body) AS n FROM delivery_bodies WHERE delivery_id = ?', [id]);
    const quiet = batch(0);
    const bytes = Buffer.byteLength(quiet.body);
    assert.ok(quiet.body.includes('Grüße'), 'the body holds text outside ASCII');
    for (let i = 0; i < 100 && store.waitingRows('delivery_bodies') > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(store.waitingRows('delivery_bodies'), 0, 'quiet time wrote it');
    const deflated = stats(store, quiet.id);
    assert.equal(deflated?.t, 'blob', 'stored as its deflated bytes');
    assert.ok(Number(deflated?.n) < bytes / 3, `${deflated?.n} bytes stored for a ${bytes}-byte body`);
    assert.equal(repo.get(quiet.id)?.body, quiet.body, 'read back byte for byte');
    // A read right after the batch does not wait for zlib: the body goes in as its text.
    const read = batch(500);
    assert.equal(repo.get(read.id)?.body, read.body);
    assert.equal(stats(store, read.id)?.t, 'text');
    assert.equal(repo.list({ webhookId: 1 }).map((d) => d.body).join(), [read.body, quiet.body].join(), 'a page with bodies reads both ways');
    // As after kill -9: the journal alone rebuilds both bodies (as their text).
    const again = await open(dir);
    assert.equal(again.repo.get(quiet.id)?.body, quiet.body);
    assert.equal(again.repo.get(read.id)?.body, read.body);
    again.store.close();
    // A clean close's snapshot keeps the deflated body as it is.
    store.close();
    const reopened = await open(dir);
    assert.equal(stats(reopened.store, quiet.id)?.t, 'blob');
    assert.equal(reopened.repo.get(quiet.id)?.body, quiet.body);
    assert.equal(reopened.repo.get(read.id)?.body, read.body);
    reopened.store.close();
  });

  it("the messages list's pages are the newest messages whether they wait or are in SQLite; a page the waiting rows fill leaves them waiting", async () => {
    const { store } = await open();
    const messages = new SqlMessageRepository(store);
    const insert = (from: number, n: number) =>
      messages.insertMessages(Array.from({ length: n }, (_, i) => ({ id: `m-${from + i}`, sendId: 1, email: `User${from + i}@Example.NET`, kind: 'to' as const, createdAt: 1000 + from + i })));
    insert(0, 60);
    assert.equal(store.countRows('messages'), 60);
    store.all('SELECT COUNT(*) AS n FROM messages'); // a read that names the table: its rows go in
    assert.equal(store.waitingRows('messages'), 0);
    insert(60, 70);
    const all = (() => Array.from({ length: 130 }, (_, i) => `m-${i}`).reverse())();
    const ids = (f: { beforeSeq?: number; limit: number }) => messages.list(f).map((m) => m.id);
    const seqOf = (id: string) => messages.list({ limit: 500 }).find((m) => m.id === id)!.seq;
    // The newest page: all 50 wait; they are read where they wait.
    const first = messages.list({ limit: 50 });
    assert.deepEqual(first.map((m) => m.id), all.slice(0, 50));
    assert.deepEqual(first[0], { seq: first[0].seq, id: 'm-129', sendId: 1, email: 'user129@example.net', kind: 'to', createdAt: 1129 });
    assert.equal(messages.count({}), 130);
    assert.equal(store.waitingRows('messages'), 70, 'the page and the count left them waiting');
    // The next page: 20 waiting rows, then 30 in SQLite.
    assert.deepEqual(ids({ beforeSeq: first[49].seq, limit: 50 }), all.slice(50, 100));
    assert.deepEqual(ids({ beforeSeq: seqOf('m-30'), limit: 50 }), all.slice(100, 130));
    assert.equal(store.waitingRows('messages'), 0);
    // Every page the same once all are in SQLite.
    assert.deepEqual(ids({ limit: 50 }), all.slice(0, 50));
    assert.deepEqual(ids({ limit: 500 }), all);
    store.close();
  });

  it('under activity that never pauses, waiting lasting rows still reach SQLite (the idle writer waits for quiet, but not for ever)', async () => {
    const { store, events } = await open();
    new SqlMessageRepository(store).insertMessages(Array.from({ length: 5 }, (_, i) => ({ id: `busy-${i}`, sendId: 1, email: `b${i}@example.net`, kind: 'to' as const, createdAt: 1000 })));
    assert.equal(store.waitingRows('messages'), 5);
    // A commit every 10 ms (as a webhook's attempts are): never 100 ms of quiet.
    let i = 0;
    const busy = setInterval(() => events.insertMany([ev(1000 + i++)], 1000), 10);
    try {
      for (let k = 0; k < 150 && store.waitingRows('messages') > 0; k++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(store.waitingRows('messages'), 0, 'written within a few seconds of continuous activity');
    } finally {
      clearInterval(busy);
    }
    assert.ok(i > 5, 'the activity went on meanwhile');
    store.close();
  });

  it('lifecycle rows: due ones come from memory in due order, are gone once deleted, and the journal alone rebuilds the pending ones', async () => {
    const { dir, store } = await open();
    const sched = new SqlScheduleRepository(store);
    const item = (i: number) => ev(i);
    store.transaction(() => sched.insertMany([{ dueAt: 3000, item: item(1) }, { dueAt: 2000, item: item(2) }, { dueAt: 3000, item: item(3) }]));
    assert.throws(() =>
      store.transaction(() => {
        sched.insertMany([{ dueAt: 1000, item: item(9) }]);
        throw new Error('rolled back');
      }),
    );
    assert.equal(sched.count(), 3);
    assert.equal(sched.nextDue(), 2000);
    assert.deepEqual(sched.due(3000).map((d) => (d.payload as EventPayload).event_id), ['e-2', 'e-1', 'e-3'], 'by due time, then id');
    store.transaction(() => sched.deleteDue(2000));
    assert.deepEqual(sched.due(Number.MAX_SAFE_INTEGER).map((d) => (d.payload as EventPayload).event_id), ['e-1', 'e-3']);
    assert.ok(store.deferredRows > 0, 'nothing read the table: the rows still wait');
    // As after kill -9: the journal alone gives the same pending rows, in the same order.
    const again = await open(dir);
    const reloaded = new SqlScheduleRepository(again.store);
    assert.deepEqual(reloaded.due(Number.MAX_SAFE_INTEGER), sched.due(Number.MAX_SAFE_INTEGER));
    assert.equal(again.store.countRows('scheduled_events'), 2);
    again.store.close();
    store.close();
  });

  it('lifecycle rows deleted when all still wait, and when some are already in SQLite: gone from reads and after a journal-only reopen', async () => {
    const { dir, store } = await open();
    const sched = new SqlScheduleRepository(store);
    const ids = (s: Store) => s.all<{ id: number; due: number }>('SELECT id, due_at AS due FROM scheduled_events ORDER BY id').map((r) => `${r.due}`);
    store.transaction(() => sched.insertMany([1, 2, 3].map((i) => ({ dueAt: 1000 * i, item: ev(i) }))));
    assert.deepEqual(ids(store), ['1000', '2000', '3000'], 'a read puts the waiting rows into SQLite');
    store.transaction(() => sched.insertMany([4, 5].map((i) => ({ dueAt: 1000 * i, item: ev(i) }))));
    assert.equal(store.waitingRows('scheduled_events'), 2);
    // Due through 4000: three rows in SQLite and one waiting; the statement must still run.
    store.transaction(() => sched.deleteDue(4000));
    store.transaction(() => sched.insertMany([6, 7].map((i) => ({ dueAt: 1000 * i, item: ev(i) }))));
    // Due through 6000: rows 5 and 6, both waiting.
    store.transaction(() => sched.deleteDue(6000));
    assert.equal(store.countRows('scheduled_events'), 1);
    assert.deepEqual(ids(store), ['7000']);
    const again = await open(dir);
    assert.deepEqual(ids(again.store), ['7000'], 'the journal alone deletes the same rows');
    assert.deepEqual(new SqlScheduleRepository(again.store).due(Number.MAX_SAFE_INTEGER).map((d) => (d.payload as EventPayload).event_id), ['e-7']);
    again.store.close();
    store.close();
  });

  it("a send's rows wait too: read-your-writes, ids as AUTOINCREMENT gives them, nothing left by a rollback, rebuilt by the journal", async () => {
    const { dir, store } = await open();
    const messages = new SqlMessageRepository(store);
    const mail = (subject: string) => ({
      from: { email: 'app@example.test' },
      to: [],
      cc: [],
      bcc: [],
      replyTo: null,
      subject,
      text: 'Grüße "q" \u2028',
      html: null,
      headers: { 'X-Test': subject },
      category: null,
      customVariables: null,
      templateUuid: null,
      templateVariables: null,
    });
    const send = (subject: string, recipients: number) =>
      store.transaction(() => {
        const id = messages.insertSend(
          { createdAt: 1000, stream: 'transactional', domainName: 'example.test', source: 'smtp', mail: mail(subject), openTracking: true, clickTracking: false },
          [{ filename: 'a.txt', type: 'text/plain', disposition: 'attachment', contentId: null, content: Buffer.from(`Grüße ${subject}`) }],
        );
        messages.insertMessages(Array.from({ length: recipients }, (_, i) => ({ id: `${subject}-${i}`, sendId: id, email: `R${i}@Example.NET`, kind: 'to' as const, createdAt: 1000 })));
        return id;
      });
    const a = send('a', 2);
    assert.ok(store.deferredRows >= 4, 'the send, its attachment and its messages wait');
    assert.deepEqual(messages.get('a-1'), { seq: 2, id: 'a-1', sendId: a, email: 'r1@example.net', kind: 'to', createdAt: 1000 }, 'read-your-writes');
    assert.equal(store.waitingRows('messages'), 0);
    assert.equal(store.waitingRows('sends'), 1, 'a read of the messages does not write the sends');
    assert.equal(messages.getSend(a)?.mail.text, 'Grüße "q" \u2028');
    assert.equal(messages.attachmentContent(a, 0)?.toString(), 'Grüße a');
    assert.equal(store.deferredRows, 0);
    assert.throws(() =>
      store.transaction(() => {
        send('b', 3);
        throw new Error('a consumer failed');
      }),
    );
    assert.equal(messages.get('b-0'), undefined);
    assert.equal(messages.count({}), 2);
    const c = send('c', 1);
    assert.equal(c, a + 1, 'the rolled-back send left no id behind, as SQLite would');
    assert.equal(messages.get('c-0')?.seq, 3);
    // Retention deletes the newest message: AUTOINCREMENT does not give its seq again.
    store.run('DELETE FROM messages WHERE seq = 3');
    const d = send('d', 1);
    // As after kill -9, with the rows still waiting: the journal alone rebuilds the same rows.
    assert.ok(store.deferredRows > 0);
    const again = await open(dir);
    assert.equal(messages.get('d-0')?.seq, 4);
    const reloaded = new SqlMessageRepository(again.store);
    assert.deepEqual(reloaded.list({ limit: 10 }), messages.list({ limit: 10 }));
    assert.deepEqual(reloaded.getSend(d), messages.getSend(d));
    assert.equal(reloaded.attachmentContent(d, 0)?.toString(), 'Grüße d');
    again.store.close();
    store.close();
  });

  it('retention prunes the oldest events, spares every queued event, and replays the same', async () => {
    const { dir, store, events, repo } = await open();
    const retention = new SqlRetentionRepository(store);
    const stored = events.insertMany(Array.from({ length: 30 }, (_, i) => ev(i)), 1000);
    // Events 0-4 and 20-29 are queued; the rest were delivered.
    const queued = [...stored.slice(0, 5), ...stored.slice(20)];
    const first = store.transaction(() => repo.enqueue(queued.map((s) => ({ webhookId: 1, eventRowId: s.id })), 1000));
    const pruned = store.transaction(() => retention.prune({ events: 10, messages: 100, deliveries: 100 }));
    // 20 over the cap, but only the 15 delivered ones may go: the queued ones stay, oldest included.
    assert.equal(pruned.events, 15);
    assert.deepEqual(events.list({ limit: 100 }).map((e) => e.payload.event_id), queued.map((e) => e.payload.event_id).reverse());
    // Once e-0..e-4 are batched (they leave the queue), the next check prunes them.
    store.transaction(() => repo.dequeue(1, first + 4));
    const again = store.transaction(() => retention.prune({ events: 10, messages: 100, deliveries: 100 }));
    assert.equal(again.events, 5);
    assert.equal(store.queue.size, 10);
    const kept = events.list({ limit: 100 }).map((e) => e.payload.event_id);
    assert.deepEqual(kept, stored.slice(20).map((e) => e.payload.event_id).reverse(), 'the queued ones are what is left');
    // As after kill -9: the journal alone prunes the same rows.
    const reopened = await open(dir);
    assert.deepEqual(reopened.events.list({ limit: 100 }).map((e) => e.payload.event_id), kept);
    assert.equal(reopened.store.queue.all().length, 10);
    reopened.store.close();
    store.close();
  });
});

describe('retention and the queue', () => {
  it('spares an event queued for any webhook, in a run or alone, among older and younger ones it prunes', async () => {
    const { store, events, repo } = await open();
    const retention = new SqlRetentionRepository(store);
    const stored = events.insertMany(Array.from({ length: 40 }, (_, i) => ev(i)), 1000);
    const id = (i: number) => stored[i].id;
    // Webhook 1: events 5-9 and 30-39; webhook 2: 7-11 (overlapping 1's run), 20 and 22 alone.
    store.transaction(() => repo.enqueue([5, 6, 7, 8, 9, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39].map((i) => ({ webhookId: 1, eventRowId: id(i) })), 1000));
    store.transaction(() => repo.enqueue([7, 8, 9, 10, 11, 20, 22].map((i) => ({ webhookId: 2, eventRowId: id(i) })), 1000));
    assert.deepEqual(store.queue.eventRowRanges(), [[id(5), id(11)], [id(20), id(20)], [id(22), id(22)], [id(30), id(39)]]);
    // 40 events, cap 5: 35 over, and the 21 not queued may all go.
    const pruned = store.transaction(() => retention.prune({ events: 5, messages: 100, deliveries: 100 }));
    assert.equal(pruned.events, 21);
    const kept = new Set(events.list({ limit: 100 }).map((e) => e.id));
    assert.deepEqual([...kept].sort((a, b) => a - b), [5, 6, 7, 8, 9, 10, 11, 20, 22, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39].map(id));
    store.close();
  });
});

// A transaction's waiting rows join the committed ones when it commits (deferredRows.ts, `absorb`):
// taken over as they are when none of their table wait, appended otherwise. Either way they are
// written oldest first, and dropping by id still finds them.
describe('waiting rows across commits', () => {
  it('keep their order and their ids, whether rows of their table were waiting or not', () => {
    const waiting = new DeferredRows();
    const txn = (rows: SqlValue[][]) => {
      const t = new DeferredRows();
      t.add('messages', rows);
      t.add('send_attachments', rows.map((r) => [r[0], 0]));
      return t;
    };
    const row = (seq: number): SqlValue[] => [seq, `m-${seq}`, 1, 'a@x.test', 'to', 1000];
    const first = txn([row(1), row(2)]);
    waiting.absorb(first);
    assert.equal(first.size, 0, 'the transaction keeps nothing');
    waiting.absorb(txn([row(3)]));
    assert.equal(waiting.size, 6);
    assert.deepEqual(waiting.dropIds('messages', [2]).map((r) => r[0]), [2]);
    waiting.absorb(txn([row(4)]));
    assert.equal(waiting.count('messages'), 3);
    const taken = waiting.take();
    assert.deepEqual(taken.get('messages')!.map((r) => r[0]), [1, 3, 4]);
    assert.deepEqual(taken.get('send_attachments')!.map((r) => r[0]), [1, 2, 3, 4]);
    assert.equal(waiting.size, 0);
    first.add('messages', [row(9)]);
    assert.equal(waiting.size, 0, 'rows added to an absorbed transaction later are not shared');
  });
});

// The idle writer takes rows a slice a turn (readModel.ts, IDLE_SLICE = 2,048): counted by what
// they cost to write, a batch's ~150 KB body more than a messages row. Counted by rows, one slice
// once took 240 batches' bodies (36 MB) and held the process ~0.5 s.
describe('a quiet-time slice of waiting rows', () => {
  const SLICE = 2048;
  const message = (seq: number): SqlValue[] => [seq, `m-${seq}`, 1, 'a@x.test', 'to', 1000];
  const body = 'x'.repeat(150_000);

  it('takes 2,048 short rows, but only ~2 MB of batch bodies, and the rest in later slices, oldest first', () => {
    const waiting = new DeferredRows();
    waiting.add('messages', Array.from({ length: 3000 }, (_, i) => message(i + 1)));
    waiting.add('delivery_bodies', Array.from({ length: 40 }, (_, i) => [i + 1, body]));
    const first = waiting.take(SLICE, LASTING_TABLES);
    assert.deepEqual([...first.keys()], ['messages']);
    assert.equal(first.get('messages')!.length, 2048);
    const second = waiting.take(SLICE, LASTING_TABLES);
    assert.equal(second.get('messages')!.length, 952, 'the rest of the messages first');
    const bodies = second.get('delivery_bodies')!;
    assert.ok(bodies.length >= 1 && bodies.length <= 8, `then a few bodies: ${bodies.length}`);
    const ids: number[] = [...bodies.map((r) => Number(r[0]))];
    for (let k = 0; k < 40 && waiting.size; k++) {
      const slice = waiting.take(SLICE, LASTING_TABLES).get('delivery_bodies')!;
      const chars = slice.reduce((n, r) => n + String(r[1]).length, 0);
      assert.ok(chars <= 2048 * 1024 + body.length, `a slice of ${slice.length} bodies, ${chars} characters`);
      ids.push(...slice.map((r) => Number(r[0])));
    }
    assert.deepEqual(ids, Array.from({ length: 40 }, (_, i) => i + 1), 'every body, once, in order');
  });

  it('takes a row costing more than a slice alone, so that it is written all the same', () => {
    const waiting = new DeferredRows();
    waiting.add('delivery_bodies', [[1, 'y'.repeat(5_000_000)], [2, body]]);
    assert.deepEqual(waiting.take(SLICE, LASTING_TABLES).get('delivery_bodies')!.map((r) => r[0]), [1]);
    assert.deepEqual(waiting.take(SLICE, LASTING_TABLES).get('delivery_bodies')!.map((r) => r[0]), [2]);
    assert.equal(waiting.size, 0);
  });

  it('costs a text by its length, as a string, as UTF-8 bytes or as made when written (a batch\'s event keys)', () => {
    assert.equal(rowCost(message(1)), 1);
    assert.equal(rowCost([1, body]), 1 + Math.floor(150_000 / 1024));
    assert.equal(rowCost([1, utf8Json(body) as unknown as SqlValue]), rowCost([1, body]));
    assert.equal(rowCost([1, Buffer.from(body)]), rowCost([1, body]));
    let made = 0;
    const keys = new LazyText(() => (made++, '[]'), 500 * 500);
    assert.equal(rowCost([1, keys as unknown as SqlValue]), 1 + Math.floor(250_000 / 1024));
    assert.equal(made, 0, 'costed without being made');
  });
});
