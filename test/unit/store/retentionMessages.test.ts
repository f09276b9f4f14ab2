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
