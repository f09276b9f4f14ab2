/**
 * Retention (`--retention N`): old events, messages and finished deliveries beyond their caps are
 * pruned, never an event that is still queued or in an open batch, and the pruning is durable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';
import { startReceiver } from '../../helpers/receiver';
import { advance } from '../../helpers/sending';

describe('retention', () => {
  it('prunes beyond the cap, keeps what delivery still needs, and stays pruned after kill -9', async () => {
    const dir = tempDir('mt-retention-');
    let failing = true;
    const healthy = await startReceiver();
    const flaky = await startReceiver(() => ({ status: failing ? 500 : 200 }));
    let emu = await startEmulatorProcess(['--data', dir, '--retention', '20']);
    let call = api(emu.ready);
    try {
      for (const r of [healthy, flaky]) {
        const w = await call('POST', '/api/webhooks', { webhook: { url: r.url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } });
        assert.equal(w.status, 200);
      }
      const batch = async (from: number, n: number) => {
        const r = await call('POST', '/api/batch', {
          base: { from: { email: 'app@shop.test' }, subject: 'R', text: 'r' },
          requests: Array.from({ length: n }, (_, i) => ({ to: [{ email: `r${from + i}@example.net` }] })),
        });
        return r.json.responses.map((x: { message_ids: string[] }) => x.message_ids[0]) as string[];
      };
      const total = async (p: string) => (await call('GET', p)).json.total as number;

      const old = await batch(0, 30);
      await advance(call, 35);
      // 30 events > cap 20, but every one is in the flaky webhook's open (retrying) batch: none pruned.
      assert.equal(await total('/emulator/events'), 30);
      failing = false;
      await advance(call, 300);
      assert.equal(flaky.requests.filter((q) => q.body.includes(old[0])).length, 2, 'the open batch was retried whole');
      assert.equal(JSON.parse(flaky.requests[1].body).events.length, 30);

      const fresh = await batch(30, 10);
      await advance(call, 35);
      assert.equal(await total('/emulator/events'), 20, 'pruned down to the cap');
      assert.equal(await total('/emulator/messages'), 20);
      assert.equal((await call('GET', `/emulator/messages/${old[0]}`)).status, 404, 'the oldest message is gone');
      assert.equal((await call('GET', `/emulator/messages/${fresh[9]}`)).status, 200);
      const kept = (await call('GET', '/emulator/events?limit=100')).json.data.map((e: { payload: { message_id: string } }) => e.payload.message_id);
      for (const id of fresh) assert.ok(kept.includes(id), 'the newest events are kept');
      assert.equal(healthy.requests.length, 2);
      assert.equal(flaky.requests.length, 3);

      // One more event runs the pruner again: finished deliveries are capped at 20/10 = 2.
      assert.equal((await call('POST', '/emulator/events', { type: 'open', message_id: fresh[9] })).status, 200);
      assert.equal(await total('/emulator/deliveries'), 2);
      const counts = [await total('/emulator/events'), await total('/emulator/messages'), await total('/emulator/deliveries')];
      assert.match(emu.stderr(), /retention pruned old records/);

      await emu.kill9();
      emu = await startEmulatorProcess(['--data', dir, '--retention', '20']);
      call = api(emu.ready);
      assert.deepEqual([await total('/emulator/events'), await total('/emulator/messages'), await total('/emulator/deliveries')], counts);
    } finally {
      await emu.stop();
      await healthy.close();
      await flaky.close();
    }
  });
});
