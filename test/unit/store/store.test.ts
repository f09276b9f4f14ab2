import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../../emulator/store/database';
import { createLogger } from '../../../emulator/log';
import { tempDir } from '../../helpers/emulatorProcess';

const quiet = () => {
  const lines: string[] = [];
  return { log: createLogger('test', { level: 'debug', write: (l) => lines.push(l) }), lines };
};

const insertDomain = (store: Store, name: string) =>
  store.run('INSERT INTO domains (domain_name, created_at) VALUES (?, ?)', [name, 1]);
const names = (store: Store) => store.all<{ domain_name: string }>('SELECT domain_name FROM domains ORDER BY id').map((r) => r.domain_name);

describe('Store (sql.js + journal + snapshot)', () => {
  it('replays the journal after an unclean stop (no close, no snapshot)', async () => {
    const dir = tempDir();
    const a = await Store.open({ dir, log: quiet().log });
    insertDomain(a, 'one.test');
    insertDomain(a, 'two.test');
    // No close(): as after kill -9, only the journal holds the writes.
    const b = await Store.open({ dir, log: quiet().log });
    assert.deepEqual(names(b), ['one.test', 'two.test']);
    b.close();
  });

  it('a failed transaction leaves nothing behind, in memory or on disk', async () => {
    const dir = tempDir();
    const a = await Store.open({ dir, log: quiet().log });
    insertDomain(a, 'kept.test');
    assert.throws(() =>
      a.transaction(() => {
        insertDomain(a, 'half.test');
        throw new Error('validation failed midway');
      }),
    );
    assert.deepEqual(names(a), ['kept.test']);
    const b = await Store.open({ dir, log: quiet().log });
    assert.deepEqual(names(b), ['kept.test']);
    b.close();
  });

  it('cuts a torn journal tail, logs it, and keeps every whole entry', async () => {
    const dir = tempDir();
    const a = await Store.open({ dir, log: quiet().log });
    insertDomain(a, 'whole.test');
    insertDomain(a, 'torn.test');
    const journal = path.join(dir, 'journal.log');
    const size = fs.statSync(journal).size;
    fs.truncateSync(journal, size - 10);
    const q = quiet();
    const b = await Store.open({ dir, log: q.log });
    assert.deepEqual(names(b), ['whole.test']);
    assert.ok(q.lines.some((l) => /torn tail/.test(l)), 'a log line reports the torn write');
    insertDomain(b, 'after.test');
    const c = await Store.open({ dir, log: quiet().log });
    assert.deepEqual(names(c), ['whole.test', 'after.test']);
    c.close();
  });

  it('compacts into a snapshot and skips journal entries the snapshot already holds', async () => {
    const dir = tempDir();
    const a = await Store.open({ dir, log: quiet().log, compactBytes: 200 });
    for (let i = 0; i < 20; i++) insertDomain(a, `d${i}.test`);
    assert.ok(fs.existsSync(path.join(dir, 'store.sqlite')), 'a snapshot was written');
    assert.ok(fs.statSync(path.join(dir, 'journal.log')).size < 400, 'the journal was emptied by compaction');
    const b = await Store.open({ dir, log: quiet().log });
    assert.equal(names(b).length, 20);
    b.close();
    // Simulate a crash between snapshot rename and journal truncation: replaying old entries must not duplicate.
    const c = await Store.open({ dir, log: quiet().log });
    insertDomain(c, 'extra.test');
    const journalCopy = fs.readFileSync(path.join(dir, 'journal.log'));
    c.close(); // compacts: snapshot now holds extra.test
    fs.writeFileSync(path.join(dir, 'journal.log'), journalCopy);
    const d = await Store.open({ dir, log: quiet().log });
    assert.equal(names(d).filter((n) => n === 'extra.test').length, 1);
    d.close();
  });

  it('--memory writes no files', async () => {
    const s = await Store.open({ dir: null, log: quiet().log });
    insertDomain(s, 'mem.test');
    assert.deepEqual(names(s), ['mem.test']);
    assert.equal(s.inMemoryOnly, true);
    s.close();
  });
});

describe('SqlDomainRepository: domains by name, as committed', () => {
  it('a lookup sees every update and delete, and nothing of a rolled-back insert or update', async () => {
    const { SqlDomainRepository } = await import('../../../emulator/store/repositories');
    const store = await Store.open({ dir: null, log: quiet().log });
    const repo = new SqlDomainRepository(store);
    const fields = { createdAt: 1, openTrackingEnabled: true, clickTrackingEnabled: true, trackingOptOutEnabled: false, autoUnsubscribeLinkEnabled: false, inboundEnabled: false, dnsVerifiedAt: null };
    const d = repo.insert({ domainName: 'cache.test', ...fields });
    assert.equal(repo.findByName('cache.test')?.openTrackingEnabled, true);
    const got = repo.findByName('cache.test')!;
    got.openTrackingEnabled = false; // a caller's change is not the stored domain
    assert.equal(repo.findByName('cache.test')?.openTrackingEnabled, true);
    repo.update({ ...d, openTrackingEnabled: false });
    assert.equal(repo.findByName('cache.test')?.openTrackingEnabled, false);
    assert.throws(() =>
      store.transaction(() => {
        repo.update({ ...d, clickTrackingEnabled: false });
        assert.equal(repo.findByName('cache.test')?.clickTrackingEnabled, false, 'read-your-writes inside the transaction');
        repo.insert({ domainName: 'rolled-back.test', ...fields });
        assert.ok(repo.findByName('rolled-back.test'));
        throw new Error('abort');
      }),
    );
    assert.equal(repo.findByName('cache.test')?.clickTrackingEnabled, true, 'the rolled-back update is gone');
    assert.equal(repo.findByName('rolled-back.test'), undefined, 'the rolled-back insert is gone');
    repo.delete(d.id);
    assert.equal(repo.findByName('cache.test'), undefined);
    store.close();
  });
});
