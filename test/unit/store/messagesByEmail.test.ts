/**
 * Messages by recipient address (issue 13, migration 009): SQLite keeps no index by address; the
 * store answers "messages to X", "how many" and "the latest one" (GET /emulator/messages?email=,
 * the trigger API) from an index in memory. It must answer as the table would: every committed
 * message, none of a rolled-back transaction, none pruned by retention, the same after a restart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { SqlRetentionRepository } from '../../../emulator/store/retentionRepository';
import { forgetMessagesByEmail, SqlMessageRepository } from '../../../emulator/store/sendingRepositories';
import { tempDir } from '../../helpers/emulatorProcess';

const log = createLogger('test', { level: 'error', write: () => undefined });
const msg = (id: string, email: string) => ({ id, sendId: 1, email, kind: 'to' as const, createdAt: 1000 });

/** What the table says, by a full scan (the reference). */
const scan = (store: Store, email: string) =>
  store.all<{ id: string }>('SELECT id FROM messages WHERE email = ? ORDER BY seq DESC', [email.toLowerCase()]).map((r) => String(r.id));
const ids = (repo: SqlMessageRepository, email: string, beforeSeq?: number, limit = 100) => repo.list({ email, beforeSeq, limit }).map((m) => m.id);

describe('messages by address (store)', () => {
  it('lists, counts and finds the latest message of an address, any case, before and after the index is first used, page by page', async () => {
    const store = await Store.open({ dir: tempDir(), log });
    const repo = new SqlMessageRepository(store);
    repo.insertMessages([msg('a1', 'Ann@Example.NET'), msg('b1', 'bob@example.net'), msg('a2', 'ann@example.net')]);
    assert.deepEqual(ids(repo, 'ANN@example.net'), ['a2', 'a1']);
    assert.equal(repo.count({ email: 'ann@EXAMPLE.net' }), 2);
    assert.equal(repo.latestForEmail('Ann@example.net')?.id, 'a2');
    repo.insertMessages([msg('a3', 'ann@example.net'), msg('c1', 'cy@example.net')]);
    assert.deepEqual(ids(repo, 'ann@example.net'), ['a3', 'a2', 'a1'], 'a message committed after the first lookup is there');
    assert.deepEqual(ids(repo, 'ann@example.net'), scan(store, 'ann@example.net'));
    assert.equal(repo.latestForEmail('ann@example.net')?.id, 'a3');
    assert.equal(repo.count({ email: 'cy@example.net' }), 1);
    assert.equal(repo.latestForEmail('nobody@example.net'), undefined);
    assert.equal(repo.count({ email: 'nobody@example.net' }), 0);
    // Pages: newest first, `limit` a page, the next page before the last seq seen.
    const first = repo.list({ email: 'ann@example.net', limit: 2 });
    assert.deepEqual(first.map((m) => m.id), ['a3', 'a2']);
    assert.deepEqual(ids(repo, 'ann@example.net', first[1].seq, 2), ['a1']);
    assert.deepEqual(ids(repo, 'ann@example.net', first[0].seq, 1), ['a2']);
    store.close();
  });

  it('a rolled-back transaction leaves no message in the answers, whether or not it looked one up before failing', async () => {
    const store = await Store.open({ dir: tempDir(), log });
    const repo = new SqlMessageRepository(store);
    repo.insertMessages([msg('a1', 'ann@example.net')]);
    assert.throws(() =>
      store.transaction(() => {
        repo.insertMessages([msg('a2', 'ann@example.net')]);
        // Built inside the transaction: it sees the uncommitted row.
        assert.deepEqual(ids(repo, 'ann@example.net'), ['a2', 'a1']);
        throw new Error('boom');
      }),
    );
    assert.deepEqual(ids(repo, 'ann@example.net'), ['a1']);
    assert.equal(repo.count({ email: 'ann@example.net' }), 1);
    assert.throws(() =>
      store.transaction(() => {
        repo.insertMessages([msg('a3', 'ann@example.net')]);
        throw new Error('boom');
      }),
    );
    assert.deepEqual(ids(repo, 'ann@example.net'), ['a1']);
    assert.equal(repo.latestForEmail('ann@example.net')?.id, 'a1');
    // Built inside a transaction that commits: its own row is there once.
    forgetMessagesByEmail(store);
    store.transaction(() => {
      repo.insertMessages([msg('a4', 'ann@example.net')]);
      assert.deepEqual(ids(repo, 'ann@example.net'), ['a4', 'a1']);
    });
    assert.deepEqual(ids(repo, 'ann@example.net'), ['a4', 'a1']);
    assert.equal(repo.count({ email: 'ann@example.net' }), 2);
    store.close();
  });

  it('messages pruned by retention are gone from the answers; the journal alone, reopened, answers the same', async () => {
    const dir = tempDir();
    const store = await Store.open({ dir, log });
    const repo = new SqlMessageRepository(store);
    repo.insertMessages(Array.from({ length: 6 }, (_, i) => msg(`m${i}`, i % 2 ? 'odd@example.net' : 'even@example.net')));
    assert.deepEqual(ids(repo, 'even@example.net'), ['m4', 'm2', 'm0']);
    const pruned = store.transaction(() => new SqlRetentionRepository(store).prune({ events: 1000, messages: 3, deliveries: 100 }));
    assert.equal(pruned.messages, 3);
    assert.deepEqual(ids(repo, 'even@example.net'), ['m4']);
    assert.deepEqual(ids(repo, 'odd@example.net'), ['m5', 'm3']);
    assert.equal(repo.count({ email: 'odd@example.net' }), 2);
    repo.insertMessages([msg('m6', 'even@example.net')]);
    assert.deepEqual(ids(repo, 'even@example.net'), ['m6', 'm4']);

    const again = await Store.open({ dir, log });
    const repo2 = new SqlMessageRepository(again);
    for (const e of ['even@example.net', 'odd@example.net']) {
      assert.deepEqual(ids(repo2, e), ids(repo, e));
      assert.deepEqual(ids(repo2, e), scan(again, e));
    }
    again.close();
    store.close();
  });
});
