/**
 * Upgrade (issue 13): data directories written by earlier versions, each left by a kill -9, open
 * with this one and lose nothing: their messages and events are there, the events still queued for
 * a webhook and the lifecycle events still scheduled are delivered, each once, and the directory
 * keeps working across a restart.
 * - test/fixtures/datadir-v1 (makeDataDirV1.ts): before group commit, one journal line per
 *   transaction;
 * - test/fixtures/datadir-v2 (makeDataDirV2.ts): before the events moved into memory, events as
 *   SQLite rows, and a retrying batch whose body the journal makes from those rows; that batch
 *   keeps its body byte for byte and is delivered with it. Its events' keys (then `delivery_events`
 *   rows, a column of the batch since migration 008) still find it by message id and address.
 * - test/fixtures/datadir-v3 (makeDataDirV2.ts, the same scenario, with the build of 483b50d):
 *   events in memory already, but the delivery queue and a batch's event keys as SQLite rows,
 *   journaled as SQL among the events' own ops; the queue moves into memory (queueLog.ts).
 * - test/fixtures/datadir-v4 (makeDataDirV2.ts, the same scenario, with the build of 768cde7):
 *   the queue in memory (`@queue.*` ops), due lifecycle events journaled by reference to their
 *   scheduled rows (`@events.due`), those rows and the events' texts as escaped strings (since then
 *   written as JSON values, `@schedule.add` / `@events.add`), and the messages' address index in
 *   SQLite (dropped by migration 009).
 * - test/fixtures/datadir-v5 (makeDataDirV2.ts, the same scenario, with the build of 0ca9834): a
 *   send's scheduled rows as `@schedule.add` and its messages as INSERTs (since then journaled by
 *   column, `@schedule.columns` / `@messages.columns`), a batch's body as a `delivery_bodies` row
 *   (migration 010).
 * - test/fixtures/datadir-v6 (makeDataDirV2.ts, the same scenario, with the build of 81f18e6): a
 *   send's rows journaled by column, and the retrying batch's event keys in its `deliveries` row
 *   (since then a `delivery_keys` row, migration 011, which moves them; the filters below find
 *   the batch through them).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir, type RunningEmulator } from '../../helpers/emulatorProcess';
import { startReceiver, type Receiver } from '../../helpers/receiver';

interface Manifest {
  token: string;
  webhookId: number;
  messageIds: string[];
  recordedEventIds: string[];
  retryingBatch?: { id: number; body: string };
}

for (const version of ['v1', 'v2', 'v3', 'v4', 'v5', 'v6']) {
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', `datadir-${version}`);
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'manifest.json'), 'utf8')) as Manifest;

describe(`a data dir from an earlier version (${version})`, () => {
  let emu: RunningEmulator | undefined;
  let rx: Receiver | undefined;
  after(async () => {
    await emu?.stop();
    await rx?.close();
  });

  it('opens with its messages and events, delivers what was queued and scheduled, and keeps working', async () => {
    const dir = tempDir('mt-upgrade-');
    for (const f of fs.readdirSync(FIXTURE)) if (f !== 'manifest.json') fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    emu = await startEmulatorProcess(['--data', dir, '--token', manifest.token]);
    let call = api(emu.ready);
    assert.doesNotMatch(emu.stderr(), /unusable|torn|cannot be recovered/);

    const messages = (await call('GET', '/emulator/messages?limit=100')).json;
    assert.deepEqual(new Set(messages.data.map((m: { id: string }) => m.id)), new Set(manifest.messageIds));
    const events = (await call('GET', '/emulator/events?limit=100')).json.data as { payload: { event_id: string } }[];
    // The oldest, in order; lifecycle events that fell due since (the clock follows real time) come after.
    assert.deepEqual(events.map((e) => e.payload.event_id).reverse().slice(0, manifest.recordedEventIds.length), manifest.recordedEventIds);
    const batch = manifest.retryingBatch;
    if (batch) {
      const d = (await call('GET', `/emulator/deliveries/${batch.id}`)).json;
      assert.equal((d.data ?? d).body, batch.body, "the retrying batch's body, byte for byte");
      const last = (JSON.parse(batch.body) as { events: { message_id: string; email: string }[] }).events.at(-1)!;
      for (const q of [`message_id=${last.message_id}`, `email=${encodeURIComponent(last.email)}`, `q=${last.message_id.slice(0, 8)}`]) {
        const found = (await call('GET', `/emulator/deliveries?${q}`)).json.data as { id: number }[];
        assert.ok(found.some((f) => f.id === batch.id), `the retrying batch is found by ${q}`);
      }
    }

    rx = await startReceiver();
    const patched = await call('PATCH', `/api/webhooks/${manifest.webhookId}`, { webhook: { url: `${rx.url}/hook` } });
    assert.equal(patched.status, 200, patched.text);
    await call('POST', '/emulator/clock/advance', { seconds: 600 });
    const received = () => rx!.requests.flatMap((r) => (JSON.parse(r.body) as { events: { event_id: string; message_id: string }[] }).events);
    const ids = received().map((e) => e.event_id);
    for (const id of manifest.recordedEventIds) assert.ok(ids.includes(id), `queued event ${id} was delivered`);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    // Lifecycle events scheduled before the kill fell due after the upgrade.
    const later = received().filter((e) => !manifest.recordedEventIds.includes(e.event_id));
    assert.ok(later.length > 0 && later.every((e) => manifest.messageIds.includes(e.message_id)), JSON.stringify(later));
    if (batch) assert.ok(rx.requests.some((r) => r.body === batch.body), 'the retrying batch was delivered with its body');

    // Written on by this version, stopped, opened again: the same data.
    const total = (await call('GET', '/emulator/events?limit=1')).json.total as number;
    assert.equal(await emu.stop(), 0);
    emu = await startEmulatorProcess(['--data', dir, '--token', manifest.token]);
    call = api(emu.ready);
    assert.equal((await call('GET', '/emulator/events?limit=1')).json.total, total);
    const send = await call('POST', '/api/send', { from: { email: 'app@fixture.test' }, to: [{ email: 'new@example.net' }], subject: 's', text: 't' });
    assert.equal(send.status, 200, send.text);
  });
});
}
