/**
 * An acknowledged send gets all its lifecycle events even when the process is killed before
 * they are due (kill -9), exactly once each, after a restart on the same data dir.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

describe('lifecycle durability', () => {
  it('events pending at a kill -9 all arrive after restart, none twice; suppressions and messages survive', async () => {
    const dir = tempDir('mt-sending-');
    let emu = await startEmulatorProcess(['--data', dir]);
    let call = api(emu.ready);
    const r = await send(call, mail({ to: [{ email: 'a+click@example.net' }, { email: 'b+soft-bounce@example.net' }, { email: 'c+unsubscribe@example.net' }], html: '<a href="https://d.test/x">x</a>' }));
    assert.equal(r.status, 200);
    const [clickId, softId, unsubId] = r.json.message_ids;
    // Part of the lifecycle happens before the crash: deliveries (2 s) and the soft bounce (3 s).
    await advance(call, 5);
    assert.deepEqual((await eventsOf(call, clickId)).map((e) => e.event), ['delivery']);
    await emu.kill9();

    emu = await startEmulatorProcess(['--data', dir]);
    call = api(emu.ready);
    await advance(call, 120);
    assert.deepEqual((await eventsOf(call, clickId)).map((e) => e.event), ['delivery', 'open', 'click']);
    assert.deepEqual((await eventsOf(call, softId)).map((e) => e.event), ['soft bounce', 'delivery']);
    assert.deepEqual((await eventsOf(call, unsubId)).map((e) => e.event), ['delivery', 'open', 'unsubscribe']);
    const evs = await eventsOf(call, clickId);
    assert.equal(new Set(evs.map((e) => e.event_id)).size, 3);
    assert.equal((await call('GET', `/emulator/messages/${clickId}`)).json.recipients[0], 'a+click@example.net');
    const supp = await call('GET', '/api/accounts/1/suppressions?email=c%2Bunsubscribe@example.net');
    assert.equal(supp.json.length, 1);
    await emu.kill9();

    // Nothing fires again on a further restart.
    emu = await startEmulatorProcess(['--data', dir]);
    call = api(emu.ready);
    await advance(call, 600);
    assert.equal((await eventsOf(call, clickId)).length, 3);
    assert.equal(await emu.stop(), 0);
  });

  it('a send acknowledged just before kill -9 with nothing due yet gets every event after restart', async () => {
    const dir = tempDir('mt-sending-');
    let emu = await startEmulatorProcess(['--data', dir]);
    const r = await send(api(emu.ready), mail({ to: [{ email: 'z+spam@example.net' }] }));
    assert.equal(r.status, 200);
    await emu.kill9();
    emu = await startEmulatorProcess(['--data', dir]);
    const call = api(emu.ready);
    await advance(call, 60);
    assert.deepEqual((await eventsOf(call, r.json.message_ids[0])).map((e) => e.event), ['delivery', 'spam']);
    assert.equal(await emu.stop(), 0);
  });
});
