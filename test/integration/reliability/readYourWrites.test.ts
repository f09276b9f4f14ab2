/**
 * Issue 13's read-your-writes guarantee, over the real process on a durable data dir: the rows
 * behind the inspection APIs (events, batches' events, lifecycle rows) reach SQLite lazily, yet a
 * GET right after a 200 sees the write — events after a replay, messages and email logs after a
 * send, a delivered batch by its recipient — and a kill -9 right after loses none of it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir, type RunningEmulator } from '../../helpers/emulatorProcess';
import { startReceiver, type Receiver } from '../../helpers/receiver';

const event = (i: number) => ({
  event: i % 10 === 0 ? 'bounce' : 'delivery',
  message_id: `ryw-${i}`,
  email: `reader${i}@example.net`,
  sending_stream: 'transactional',
  sending_domain_name: 'example.com',
});

describe('read-your-writes with lazily written read-model rows', () => {
  const dir = tempDir();
  let emu: RunningEmulator;
  let rx: Receiver;
  after(async () => {
    await emu?.stop();
    await rx?.close();
  });

  it('every GET right after a 200 sees the write, and so does a restart after kill -9', async () => {
    emu = await startEmulatorProcess(['--data', dir]);
    rx = await startReceiver();
    let call = api(emu.ready);
    const hook = await call('POST', '/api/webhooks', {
      webhook: { url: rx.url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery', 'bounce'] },
    });
    assert.equal(hook.status, 200, hook.text);

    // Replayed events: listed, filtered and counted at once.
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify(event(i))).join('\n');
    const replay = await call('POST', '/emulator/replay', lines, { 'Content-Type': 'application/jsonl' });
    assert.equal(replay.status, 200, replay.text);
    const one = await call('GET', '/emulator/events?email=reader1999@example.net');
    assert.deepEqual(one.json.data.map((e: { payload: { message_id: string } }) => e.payload.message_id), ['ryw-1999']);
    const bounces = await call('GET', '/emulator/events?type=bounce&limit=1');
    assert.equal(bounces.json.total, 200, 'every tenth event is a bounce');

    // A send: its messages and email logs at once.
    const send = await call('POST', '/api/send', {
      from: { email: 'app@shop.test' },
      to: [{ email: 'buyer@example.net' }],
      subject: 'Hi',
      text: 'hello',
    });
    assert.equal(send.status, 200, send.text);
    const [messageId] = send.json.message_ids as string[];
    const message = await call('GET', `/emulator/messages/${messageId}`);
    assert.equal(message.status, 200, message.text);
    const logs = await call('GET', `/api/accounts/1/email_logs/${messageId}`);
    assert.equal(logs.status, 200, logs.text);

    // Its lifecycle (`delivery` 2 s later) joins the replayed events' batch window: 2,001 events,
    // five batches, the last one the send's; it is found by its recipient.
    await call('POST', '/emulator/clock/advance', { seconds: 40 });
    await rx.waitFor(5);
    assert.ok(rx.requests[4].body.includes(messageId));
    const batches = await call('GET', '/emulator/deliveries?email=buyer@example.net');
    assert.equal(batches.json.data.length, 1, batches.text);
    assert.equal(batches.json.data[0].status, 'delivered');

    // kill -9 right after: everything above is back, from the journal.
    await emu.kill9();
    emu = await startEmulatorProcess(['--data', dir]);
    call = api(emu.ready);
    assert.equal((await call('GET', '/emulator/events?limit=1')).json.total, 2001, '2,000 replayed and the send\'s delivery');
    assert.equal((await call('GET', '/emulator/deliveries?email=reader7@example.net')).json.data.length, 1);
    assert.equal((await call('GET', `/emulator/messages/${messageId}`)).status, 200);
  });
});
