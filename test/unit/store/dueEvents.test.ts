/**
 * Lifecycle events as they fall due (issue 13): an event is the payload of its scheduled row, whose
 * text the journal holds since the send. The store records it with that very text and journals it
 * as "the payload of that row" (`@events.due`), not with its text a second time; the journal alone
 * (as after kill -9), or a snapshot taken in between, rebuilds the same events byte for byte.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../emulator/log';
import { Store } from '../../../emulator/store/database';
import { tempDir } from '../../helpers/emulatorProcess';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const log = createLogger('test', { level: 'error', write: () => undefined });
const mail = (to: string[]) => ({ from: { email: 'app@due.test' }, to: to.map((email) => ({ email })), subject: 's', html: '<a href="https://due.test/x">x</a>' });
const recipients = ['a@example.net', 'b+bounce@example.net', 'c+click@example.net', 'd+suspension@example.net', 'e+soft_bounce@example.net'];

async function reopened(dir: string) {
  const store = await Store.open({ dir, log });
  const all = [...store.events.ascending()].map((e) => ({ id: e.id, recordedAt: e.recordedAt, json: store.events.json(e.id) }));
  store.close();
  return all;
}

describe('due lifecycle events (store)', () => {
  for (const compactBetween of [false, true]) {
    it(`are journaled by reference to their scheduled rows and replay byte for byte${compactBetween ? ', with a snapshot taken between send and due' : ''}`, async () => {
      const dir = tempDir();
      const { core, sending, store } = await inMemoryCore({ dir });
      const ids = sending.service.ingest(mail(recipients), 'transactional');
      if (compactBetween) store.compact();
      await core.advanceClock(3 * 3600);
      const live = [...store.events.ascending()].map((e) => ({ id: e.id, recordedAt: e.recordedAt, json: store.events.json(e.id) }));
      const types = live.map((e) => JSON.parse(e.json!).event as string);
      for (const t of ['delivery', 'bounce', 'click', 'suspension', 'soft bounce']) assert.ok(types.includes(t), `${t} in ${types}`);
      assert.ok(live.every((e) => ids.includes(JSON.parse(e.json!).message_id)));
      assert.equal(sending.scheduler.pending(), 0);

      // Each event's text is in the journal (or the snapshot) once: in its scheduled row.
      const journal = fs.readFileSync(path.join(dir, 'journal.log'), 'utf8');
      assert.match(journal, /"@events\.due"/);
      assert.doesNotMatch(journal, /"@events\.(insert|add)"/);
      for (const e of live) {
        const eventId = JSON.parse(e.json!).event_id as string;
        assert.ok(journal.split(eventId).length - 1 <= 1, `event ${eventId} is journaled once at most`);
      }
      // As after kill -9: the journal (on the snapshot, if one was taken) gives the same events.
      assert.deepEqual(await reopened(dir), live);
      store.close();
      assert.deepEqual(await reopened(dir), live, 'and after a clean stop');
    });
  }
});
