/**
 * Retention in quiet time (issue 13): past the cap, pruning messages is SQL in the middle of
 * delivering (~6 µs a message; a 20,000-message send's delivery took ~120 ms longer). A check on
 * the delivery path now prunes messages only beyond a slack (a quarter of the cap); the rest goes
 * once the store is quiet, a slice a turn, and before a read of messages (`settle`). Events and
 * finished deliveries are still pruned to their caps at every check. The store's quiet time itself:
 * a task waits while transactions keep committing, then runs a slice a turn until done.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetentionService, withSlack } from '../../../emulator/core/retention';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { tempDir } from '../../helpers/emulatorProcess';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const log = createLogger('test', { level: 'error', write: () => undefined });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (store: Store, table: string) => Number(store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)?.n);
const insert = (store: Store, name: string) => store.run('INSERT INTO domains (domain_name, created_at) VALUES (?, ?)', [name, 1]);
/** A quiet-time task of `n` slices, each committing a transaction of its own (no activity: the next slice follows); the slices run so far. */
function quietSlices(store: Store, n: number): number[] {
  const slices: number[] = [];
  store.whenQuiet(() => {
    insert(store, `slice-${slices.length}.test`);
    slices.push(slices.length);
    return slices.length < n;
  });
  return slices;
}
type Sending = Awaited<ReturnType<typeof inMemoryCore>>['sending'];
/** `n` messages, then their delivery events (a check at their recording spares them: their lifecycle was still scheduled then). */
async function wave(t: { core: { advanceClock(s: number): Promise<unknown> }; sending: Sending }, tag: string, n: number) {
  for (let i = 0; i < n; i++) t.sending.service.ingest({ from: { email: 'app@keep.test' }, to: [{ email: `${tag}${i}@example.net` }], subject: 's', text: 't' }, 'transactional');
  await t.core.advanceClock(5);
}

describe('retention in quiet time', () => {
  it('a check while delivering prunes messages only beyond the slack; quiet time, a slice a turn, prunes the rest; the journal replays it', async () => {
    const dir = tempDir();
    const t = await inMemoryCore({ dir });
    const { core, store } = t;
    // Quiet time as the store gives it: a task already waiting is not added again. `tasks`: each
    // time one starts waiting, to run by hand (done once it says no more is left).
    const tasks: (() => boolean)[] = [];
    const waiting = new Set<() => boolean>();
    const quiet = {
      whenQuiet: (t: () => boolean) => {
        if (waiting.has(t)) return;
        waiting.add(t);
        tasks.push(() => (t() ? true : (waiting.delete(t), false)));
      },
    };
    // Limits: 100 events (a check every recorded event), 8 messages (slack 2).
    const limits = { events: 100, messages: 8, deliveries: 100 };
    assert.deepEqual(withSlack(limits), { events: 100, messages: 10, deliveries: 100 });
    const retention = new RetentionService({ repo: new SqlRetentionRepository(store), uow: store, bus: core.bus, log, limits, quiet, quietSlice: 1 });
    await wave(t, 'a', 20);
    assert.equal(count(store, 'messages'), 20, 'nothing could go yet');
    assert.equal(tasks.length, 1, 'a quiet-time prune waits');
    await wave(t, 'b', 2);
    assert.equal(count(store, 'messages'), 10, 'the check pruned down to the cap and its slack');
    assert.equal(tasks.length, 1, 'still the one quiet-time prune');
    assert.equal(tasks[0](), true, 'a slice: more is left');
    assert.equal(count(store, 'messages'), 9);
    assert.equal(tasks[0](), true);
    assert.equal(count(store, 'messages'), 8);
    assert.equal(tasks[0](), false, 'nothing more: done');
    // The next check schedules a new one; `settle` (before a read) does what it owes at once.
    await wave(t, 'c', 3);
    assert.equal(count(store, 'messages'), 10);
    assert.equal(tasks.length, 2);
    retention.settle();
    assert.equal(count(store, 'messages'), 8, 'settled to the cap');
    assert.equal(tasks[1](), false, 'the waiting slice finds nothing left');
    await store.durable();
    const again = await Store.open({ dir, log });
    assert.equal(count(again, 'messages'), 8, 'the journal alone prunes the same');
    again.close();
    store.close();
  });

  it('without quiet time (or at start) it prunes to the cap at every check, as before', async () => {
    const t = await inMemoryCore();
    const { core, store } = t;
    new RetentionService({ repo: new SqlRetentionRepository(store), uow: store, bus: core.bus, log, limits: { events: 100, messages: 8, deliveries: 100 } });
    await wave(t, 'a', 20);
    await wave(t, 'b', 2);
    assert.equal(count(store, 'messages'), 8);
    store.close();
  });

  it("the store's quiet time: a task waits while transactions keep committing, runs once they stop, slice after slice; none runs after close", async () => {
    const s = await Store.open({ dir: tempDir(), log, groupCommit: true });
    const slices = quietSlices(s, 4);
    // Busy: a commit every 30 ms, never quiet for the 100 ms the store waits for.
    for (let i = 0; i < 8; i++) {
      insert(s, `busy-${i}.test`);
      await pause(30);
    }
    assert.deepEqual(slices, [], 'not while transactions keep committing');
    for (let k = 0; k < 100 && slices.length < 4; k++) await pause(20);
    assert.deepEqual(slices, [0, 1, 2, 3], 'once quiet, each slice until the task says it is done');
    assert.equal(count(s, 'domains'), 12);
    let ran = false;
    s.whenQuiet(() => (ran = true));
    s.close();
    await pause(250);
    assert.equal(ran, false, 'dropped at close');
  });

  it("the store's quiet time: a request arriving (Store.active) and a journal write someone waited for count as activity; a quiet task's own writes do not", async () => {
    const s = await Store.open({ dir: tempDir(), log, groupCommit: true });
    const slices = quietSlices(s, 3);
    // Requests arriving every 30 ms that commit nothing (issue 13: a replay's 6 MB body arriving
    // after the answer to the one before it).
    for (let i = 0; i < 8; i++) {
      s.active();
      await pause(30);
    }
    assert.deepEqual(slices, [], 'not while requests keep arriving');
    // Commits ~120 ms apart, each answered once the journal holds it, 70 ms after the commit (the
    // thread busy meanwhile, as a replay's is with its events): the write someone waited for is
    // the last activity, not the commit.
    for (let i = 0; i < 4; i++) {
      insert(s, `answered-${i}.test`);
      for (const end = performance.now() + 70; performance.now() < end; );
      await s.durable();
      await pause(50);
    }
    assert.deepEqual(slices, [], 'not while answers keep waiting for the journal');
    for (let k = 0; k < 100 && slices.length < 3; k++) await pause(20);
    assert.deepEqual(slices, [0, 1, 2], "once quiet, slice after slice: their own writes (which nobody waits for) are no activity");
    s.close();
  });

  it("the store's quiet time: a wait for a shorter quiet replaces a longer one (a journal past its bound, after a rest was waited for)", async () => {
    const s = await Store.open({ dir: tempDir(), log, groupCommit: true });
    let ran = 0;
    const task = () => (ran++, false);
    s.whenQuiet(task, 60_000);
    s.whenQuiet(task, 100);
    s.whenQuiet(task, 60_000); // a longer wait does not undo the shorter one
    for (let k = 0; k < 75 && !ran; k++) await pause(20);
    assert.equal(ran, 1, 'ran after the shorter quiet, once');
    s.close();
  });
});
