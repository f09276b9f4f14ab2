/**
 * The delivery queue in memory (issue 13, queueLog.ts), on a real store on disk: what the engine
 * queues and takes is journaled in a few numbers, a rolled-back transaction leaves nothing, and
 * the journal alone (as after kill -9), a snapshot plus the journal, or a clean close all give the
 * same queue back, with ids never given twice.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const queueOf = (s: Store) => s.queue.all();

async function reopened(dir: string) {
  const store = await Store.open({ dir, log });
  const all = queueOf(store);
  const next = store.queue.nextId;
  store.close();
  return { all, next };
}

describe('delivery queue (store)', () => {
  it('queues and takes per webhook, journaled as runs, and replays the same from the journal, a snapshot, or a clean close', async () => {
    const dir = tempDir();
    const store = await Store.open({ dir, log });
    // Webhook 1 gets events 1..1000 (one run in the journal); webhook 2 every other one of 1..10.
    const first = store.enqueue(Array.from({ length: 1000 }, (_, i) => ({ webhookId: 1, eventRowId: i + 1 })), 5000);
    store.enqueue(Array.from({ length: 5 }, (_, i) => ({ webhookId: 2, eventRowId: 2 * i + 1 })), 6000);
    const journal = fs.readFileSync(path.join(dir, 'journal.log'), 'utf8');
    assert.ok(journal.includes(`["@queue.add",[${first},5000,1,1,1000]]`), 'a run of 1,000 consecutive events is five numbers');
    assert.equal(store.queue.size, 1005);
    assert.deepEqual(store.queue.eventRowRanges(), [[1, 1000]], "webhook 2's events are inside webhook 1's run");

    // A batch takes webhook 1's oldest 500; webhook 2 is cleared (its webhook deleted).
    store.transaction(() => store.dequeue(1, first + 499));
    assert.equal(store.clearQueue(2), 5);
    assert.deepEqual(store.queue.eventRowRanges(), [[501, 1000]]);
    assert.equal(queueOf(store)[0].eventRowId, 501);

    // A transaction that queues and takes, then fails: nothing changed, and no id is spent.
    const before = queueOf(store);
    const nextBefore = store.queue.nextId;
    assert.throws(() =>
      store.transaction(() => {
        store.enqueue([{ webhookId: 3, eventRowId: 7 }, { webhookId: 1, eventRowId: 2000 }], 7000);
        store.dequeue(1, first + 999);
        store.clearQueue(3);
        throw new Error('a consumer failed');
      }),
    );
    assert.deepEqual(queueOf(store), before);
    assert.equal(store.queue.nextId, nextBefore);

    // As after kill -9: the journal alone.
    assert.deepEqual(await reopened(dir), { all: before, next: nextBefore });
    // A snapshot, then more: the snapshot's rows and the journal after it.
    store.compact();
    const later = store.enqueue([{ webhookId: 1, eventRowId: 3000 }], 8000);
    assert.equal(later, nextBefore, 'ids follow on');
    store.transaction(() => store.dequeue(1, first + 599));
    const now = queueOf(store);
    assert.equal(now.length, 401);
    assert.deepEqual(await reopened(dir), { all: now, next: later + 1 });
    store.close();
    assert.deepEqual(await reopened(dir), { all: now, next: later + 1 }, 'after a clean close');
  });

  it('never gives an id twice, even when the queue was empty at the snapshot', async () => {
    const dir = tempDir();
    const store = await Store.open({ dir, log });
    const a = store.enqueue([{ webhookId: 1, eventRowId: 1 }], 1000);
    store.transaction(() => store.dequeue(1, a));
    store.close();
    const again = await Store.open({ dir, log });
    assert.equal(again.queue.size, 0);
    assert.equal(again.enqueue([{ webhookId: 1, eventRowId: 2 }], 2000), a + 1);
    again.close();
  });
});
