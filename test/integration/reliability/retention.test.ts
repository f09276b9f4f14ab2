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

  // What spares an event in an open batch is read a batch at a time, as batches open and close
  // (retentionRepository.ts): a batch opened after one check is spared at the next, and once
  // closed its events may go.
  it('spares the events of a batch opened since the last check, and prunes those of batches closed since', async () => {
    let failing = true;
    let delivered = 0;
    const flaky = await startReceiver(() => (failing ? { status: 500 } : (delivered++, { status: 200 })));
    const emu = await startEmulatorProcess(['--memory', '--retention', '5']);
    const call = api(emu.ready);
    try {
      const w = await call('POST', '/api/webhooks', { webhook: { url: flaky.url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } });
      assert.equal(w.status, 200);
      let n = 0;
      const send = async (k: number) => {
        const r = await call('POST', '/api/batch', {
          base: { from: { email: 'app@shop.test' }, subject: 'R', text: 'r' },
          requests: Array.from({ length: k }, () => ({ to: [{ email: `r${n++}@example.net` }] })),
        });
        assert.equal(r.status, 200);
        await advance(call, 35); // the delivery events at +2 s (a check), the batch cut and tried at +30 s
      };
      const events = async () => (await call('GET', '/emulator/events')).json.total as number;
      await send(4); // batch A: open, failing
      await send(4); // a check with A open; batch B: open, failing
      assert.equal(await events(), 8, 'A held, the new events queued');
      await send(2); // a check with B open, new since the last check
      assert.equal(await events(), 10, 'A and B held, the new events queued: none pruned');
      failing = false;
      await advance(call, 300); // every batch retried and delivered: closed
      assert.equal(delivered, 3, 'A, B and C delivered');
      await send(1); // a check with A, B and C closed
      assert.equal(await events(), 5, 'pruned to the cap once their batches closed');
    } finally {
      await emu.stop();
      await flaky.close();
    }
  });
});
