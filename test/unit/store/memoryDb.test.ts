/**
 * SQLite's in-memory database under sql.js (emulator/store/memoryDb.ts, issue 13): a store
 * opened from a snapshot starts on sql.js's file database and moves into memory a slice of pages
 * a turn while it is in use. Nothing a user wrote may be lost or changed by the move: writes,
 * deletes, rolled-back transactions and a compaction between the slices all land in the copy,
 * and the journal and snapshots stay what they were.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
const payload = (i: number) => JSON.stringify({ n: i, text: `Grüße ${'x'.repeat(200)}` });
/** A table of the test's own (journaled like any write), so that only these writes are in it. */
const ROWS = 'CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, payload TEXT NOT NULL)';
const insert = (store: Store, i: number) => {
  store.run(ROWS);
  store.run('INSERT INTO rows (event_id, payload) VALUES (?, ?)', [`e-${i}`, payload(i)]);
};
const rows = (store: Store) =>
  store.all<{ event_id: string; payload: string }>('SELECT event_id, payload FROM rows ORDER BY id').map((r) => `${r.event_id} ${r.payload}`);

describe('store in SQLite memory', () => {
  it('an empty data dir and --memory start in memory', async () => {
    const durable = await Store.open({ dir: tempDir(), log });
    const memory = await Store.open({ dir: null, log });
    assert.equal(durable.backing, 'memory');
    assert.equal(memory.backing, 'memory');
    durable.close();
    memory.close();
  });

  it('a store opened from a snapshot moves into memory while in use, losing nothing written meanwhile', async () => {
    const dir = tempDir();
    const first = await Store.open({ dir, log });
    for (let i = 0; i < 600; i++) insert(first, i);
    first.close(); // a snapshot of ~600 rows: many pages
    const store = await Store.open({ dir, log, memoryCopyPages: 4 });
    assert.equal(store.backing, 'file', 'opened from the snapshot as sql.js opens a file');
    const expected = rows(store);
    let i = 600;
    let turns = 0;
    while (store.backing === 'file') {
      assert.ok(++turns < 10_000, 'the copy ends');
      // Between the copy's slices: new rows, a delete, an update, a rolled-back transaction.
      insert(store, i);
      expected.push(`e-${i} ${payload(i)}`);
      i++;
      if (turns % 3 === 0) {
        const victim = expected.shift()!.split(' ')[0];
        store.run('DELETE FROM rows WHERE event_id = ?', [victim]);
      }
      // A compaction while the copy runs: it exports the file database, the copy goes on.
      if (turns === 4) store.compact();
      if (turns % 5 === 0) {
        store.run('UPDATE rows SET payload = ? WHERE event_id = ?', ['changed', `e-${i - 1}`]);
        expected[expected.length - 1] = `e-${i - 1} changed`;
      }
      assert.throws(() =>
        store.transaction(() => {
          insert(store, 999_999);
          throw new Error('rolled back');
        }),
      );
      await turn();
    }
    assert.ok(turns > 4, 'the copy took several turns, with writes and a compaction between them');
    assert.deepEqual(rows(store), expected, 'the in-memory database holds every write, and only those');
    insert(store, i);
    expected.push(`e-${i} ${payload(i)}`);
    // As after kill -9: snapshot plus journal give the same rows; and a clean close writes them too.
    const crashed = await Store.open({ dir, log });
    assert.deepEqual(rows(crashed), expected);
    crashed.close();
    store.close();
    const reopened = await Store.open({ dir, log });
    assert.deepEqual(rows(reopened), expected);
    reopened.close();
  });

  it('a store closed before the move ends keeps everything', async () => {
    const dir = tempDir();
    const first = await Store.open({ dir, log });
    for (let i = 0; i < 300; i++) insert(first, i);
    first.close();
    const store = await Store.open({ dir, log, memoryCopyPages: 1 });
    await turn();
    insert(store, 300);
    assert.equal(store.backing, 'file');
    store.close();
    const reopened = await Store.open({ dir, log });
    assert.equal(rows(reopened).length, 301);
    reopened.close();
  });
});
