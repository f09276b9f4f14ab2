/**
 * Retention of messages (SPEC §7): beyond the cap the oldest go, but never a message with
 * lifecycle items still scheduled (here a suspended one, re-checked for minutes). What spares it
 * is read from the schedule in memory: pruning writes no waiting schedule row into SQLite, and
 * the journal alone (as after kill -9) prunes the same messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { SqlMessageRepository } from '../../../emulator/store/sendingRepositories';
import { tempDir } from '../../helpers/emulatorProcess';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const log = createLogger('test', { level: 'error', write: () => undefined });
const mail = (to: string) => ({ from: { email: 'app@keep.test' }, to: [{ email: to }], subject: 's', text: 't' });
const ids = (store: Store) => new SqlMessageRepository(store).list({ limit: 100 }).map((m) => m.id).sort();

describe('message retention (store)', () => {
  it('prunes the oldest messages beyond the cap, spares one with lifecycle items still scheduled, and replays the same', async () => {
    const dir = tempDir();
    const { core, sending, store } = await inMemoryCore({ dir });
    const [held] = sending.service.ingest(mail('held+suspension@example.net'), 'transactional');
    const [a] = sending.service.ingest(mail('a@example.net'), 'transactional');
    const [b] = sending.service.ingest(mail('b@example.net'), 'transactional');
    const [c] = sending.service.ingest(mail('c@example.net'), 'transactional');
    await core.advanceClock(5);
    assert.ok(sending.scheduler.pending() > 0, 'the suspended message is still being re-checked');
    assert.ok(store.waitingRows('scheduled_events') > 0);

    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 2, deliveries: 100 }));
    assert.equal(pruned.messages, 2);
    assert.deepEqual(ids(store), [held, c].sort(), 'the oldest, held back, stays; the next two oldest go');
    assert.ok(store.waitingRows('scheduled_events') > 0, 'pruning wrote no schedule row into SQLite');
    assert.ok(![a, b].some((id) => new SqlMessageRepository(store).get(id)));

    const again = await Store.open({ dir, log });
    assert.deepEqual(ids(again), [held, c].sort(), 'the journal alone prunes the same');
    again.close();
    store.close();
  });
});

describe('message retention past many held messages (store)', () => {
  // The candidates are read from the oldest a page at a time: here the first pages hold only
  // messages still being re-checked, and the prune must read on until it finds what may go.
  it('reads past a long run of held messages to the oldest that may go, and replays the same', async () => {
    const dir = tempDir();
    const { core, sending, store } = await inMemoryCore({ dir });
    const held = sending.service.ingest(
      { ...mail('x@example.net'), to: Array.from({ length: 300 }, (_, i) => ({ email: `held${i}+suspension@example.net` })) },
      'transactional',
    );
    const free = ['a', 'b', 'c', 'd'].map((n) => sending.service.ingest(mail(`${n}@example.net`), 'transactional')[0]);
    await core.advanceClock(5);
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 10_000, messages: 302, deliveries: 100 }));
    assert.equal(pruned.messages, 2);
    const left = new Set(new SqlMessageRepository(store).list({ limit: 1000 }).map((m) => m.id));
    assert.equal(left.size, 302);
    assert.ok(held.every((id) => left.has(id)), 'every held message stays');
    assert.deepEqual(free.filter((id) => left.has(id)), free.slice(2), 'the two oldest free ones went');
    const again = await Store.open({ dir, log });
    assert.equal(new SqlMessageRepository(again).count({}), 302, 'the journal alone prunes the same');
    again.close();
    store.close();
  });
});

describe('message retention and the sends (store)', () => {
  // A send goes with its last message, never before: here the cut falls inside a send's messages,
  // and another send keeps a held message among its pruned ones.
  it('keeps a send with a message left, whether held back or past the cut, and replays the same', async () => {
    const dir = tempDir();
    const { core, sending, store } = await inMemoryCore({ dir });
    const to = (...emails: string[]) => ({ ...mail('x@example.net'), to: emails.map((email) => ({ email })) });
    const [b1, b2, b3] = sending.service.ingest(to('b1@example.net', 'b2+suspension@example.net', 'b3@example.net'), 'transactional');
    const [a1, a2, a3] = sending.service.ingest(to('a1@example.net', 'a2@example.net', 'a3@example.net'), 'transactional');
    const [h] = sending.service.ingest(to('h+suspension@example.net'), 'transactional');
    await core.advanceClock(5);
    const repo = new SqlMessageRepository(store);
    const sendOf = (id: string) => repo.get(id)!.sendId;
    const [sendB, sendA] = [sendOf(b1), sendOf(a1)];
    // 7 messages, cap 3: 4 go (b1, b3, a1, a2). b2 and h are held; with them the prune reads up to
    // a3, which is past the cut.
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 10_000, messages: 3, deliveries: 100 }));
    assert.equal(pruned.messages, 4);
    assert.deepEqual(ids(store), [b2, a3, h].sort());
    assert.ok(repo.getSend(sendB), 'the send with a held message stays');
    assert.ok(repo.getSend(sendA), 'the send with a message past the cut stays');
    assert.ok(![b3, a2].some((id) => repo.get(id)));
    const again = await Store.open({ dir, log });
    assert.deepEqual(ids(again), [b2, a3, h].sort());
    assert.ok(new SqlMessageRepository(again).getSend(sendA) && new SqlMessageRepository(again).getSend(sendB), 'the journal alone keeps them too');
    again.close();
    store.close();
  });
});

describe('messages of a send (store)', () => {
  // Retention finds the sends that lost their last message by relying on this (retentionRepository.ts).
  it('get consecutive seqs, one send after another, in a batch of several sends too', async () => {
    const { sending, store } = await inMemoryCore({ dir: tempDir() });
    sending.service.ingest({ ...mail('x@example.net'), to: [{ email: 'p@example.net' }], cc: [{ email: 'q@example.net' }] }, 'transactional');
    const results = sending.service.batch(
      { base: { from: { email: 'app@keep.test' }, subject: 's', text: 't' }, requests: [1, 3, 2].map((n, r) => ({ to: Array.from({ length: n }, (_, i) => ({ email: `r${r}-${i}@example.net` })) })) },
      'transactional',
    );
    assert.ok(results.every((r) => r.success));
    const rows = new SqlMessageRepository(store).list({ limit: 100 }).sort((a, b) => a.seq - b.seq);
    assert.equal(rows.length, 8);
    const runs: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      assert.equal(rows[i].seq, rows[0].seq + i, 'no gap');
      if (!i || rows[i].sendId !== rows[i - 1].sendId) runs.push(rows[i].sendId);
    }
    assert.equal(new Set(runs).size, runs.length, 'each send is one run of seqs');
    assert.equal(runs.length, 4);
    store.close();
  });
});

describe('message retention beside waiting rows (store)', () => {
  it('prunes the oldest messages without writing the waiting ones into SQLite; a send keeps its rows while a message of it waits; the journal prunes the same', async () => {
    const dir = tempDir();
    const store = await Store.open({ dir, log });
    const repo = new SqlMessageRepository(store);
    const send = (n: number) => {
      const id = repo.insertSend({ createdAt: 1000, stream: 'transactional', domainName: 'keep.test', source: 'api', mail: { from: { email: 'a@keep.test' }, to: [], cc: [], bcc: [], subject: 's' } as never, openTracking: false, clickTracking: false }, []);
      repo.insertMessages(Array.from({ length: n }, (_, i) => ({ id: `s${id}-m${i}`, sendId: id, email: `r${i}@example.net`, kind: 'to' as const, createdAt: 1000 })));
      return id;
    };
    const old = send(3);
    const split = send(4);
    // Everything so far into SQLite (a read of more than wait), then newer rows that wait.
    assert.equal(repo.count({}), 7);
    assert.equal(repo.list({ limit: 100 }).length, 7);
    assert.equal(store.waitingRows('messages'), 0);
    const fresh = send(2);
    assert.equal(store.waitingRows('messages'), 2);

    // Cap 4 of 9: the 3 of `old` and 2 of `split` go; `split` keeps 2 messages, `fresh` waits.
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 4, deliveries: 100 }));
    assert.equal(pruned.messages, 5);
    assert.equal(store.waitingRows('messages'), 2, 'the waiting rows still wait');
    assert.equal(repo.getSend(old), undefined, 'a send whose messages all went goes with them');
    assert.ok(repo.getSend(split), 'a send with messages left stays');
    assert.ok(repo.getSend(fresh), 'a send whose messages wait stays');
    const left = repo.list({ limit: 100 }).map((m) => m.id).sort();
    assert.deepEqual(left, [`s${split}-m2`, `s${split}-m3`, `s${fresh}-m0`, `s${fresh}-m1`].sort());

    // The waiting rows' own send: its messages all wait, none in SQLite, and a prune that takes
    // every older message must not take the send (its messages are not in SQLite yet).
    const more = send(1);
    assert.equal(store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 3, deliveries: 100 })).messages, 2);
    assert.ok(repo.getSend(fresh) && repo.getSend(more));

    const again = await Store.open({ dir, log });
    const repo2 = new SqlMessageRepository(again);
    assert.deepEqual(repo2.list({ limit: 100 }).map((m) => m.id).sort(), repo.list({ limit: 100 }).map((m) => m.id).sort(), 'the journal alone prunes the same');
    for (const id of [old, split, fresh, more]) assert.equal(Boolean(repo2.getSend(id)), Boolean(repo.getSend(id)), `send ${id}`);
    again.close();
    store.close();
  });
});
