/** The built emulator process: time scale without clock advance, and delivery resuming after kill -9. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir, type RunningEmulator } from '../../helpers/emulatorProcess';
import { sequence, startReceiver, type Receiver } from '../../helpers/receiver';

const running: RunningEmulator[] = [];
const receivers: Receiver[] = [];
after(async () => {
  await Promise.all(running.map((e) => e.stop()));
  await Promise.all(receivers.map((r) => r.close()));
});
const start = async (args: string[]) => {
  const e = await startEmulatorProcess(args);
  running.push(e);
  return e;
};
const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
};
const ev = (email: string, event = 'delivery') => ({
  event,
  message_id: `m-${email}`,
  email,
  sending_stream: 'transactional',
  sending_domain_name: 'example.com',
});
const webhook = async (call: ReturnType<typeof api>, url: string, types: string[]) =>
  (await call('POST', '/api/webhooks', { webhook: { url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: types } })).json.data;
const idsOf = (body: string) => JSON.parse(body).events.map((e: { event_id: string }) => e.event_id) as string[];

/** Poll (real time) until `fn` holds; the emulator runs on its own clock here. */
async function eventually(fn: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('time scale', () => {
  it('--time-scale 600 runs batching, timeouts and retries in real time, no clock advance needed', async () => {
    // 30 s is 50 ms real here; the timeout gets 300 s (0.5 s real) so a busy CI machine cannot fail a healthy attempt.
    const emu = await start(['--memory', '--time-scale', '600', '--timeout', '300']);
    const call = api(emu.ready);
    const flaky = await receiver(sequence({ hang: true }, { status: 500 }, { status: 200 }));
    const healthy = await receiver();
    const a = await webhook(call, flaky.url, ['delivery']);
    const b = await webhook(call, healthy.url, ['delivery']);
    await call('POST', '/emulator/replay', { events: [ev('a@example.net')] });
    await eventually(async () => (await call('GET', `/emulator/deliveries?webhook_id=${a.id}&status=delivered`)).json.total === 1, 'flaky webhook delivered');
    assert.equal(flaky.requests.length, 3, 'timed out, failed, then delivered');
    assert.ok(flaky.requests.every((q) => q.body === flaky.requests[0].body));
    const [d] = (await call('GET', `/emulator/deliveries?webhook_id=${a.id}`)).json.data;
    assert.match(d.attempts[0].error, /timeout after 300 s/);
    // At scale 600 a real millisecond is 0.6 virtual seconds, and a busy machine starts any attempt late
    // (retries are due from the previous *due* time, so a late attempt shortens the next gap). What
    // must hold whatever the load: the third attempt is not due before two retry intervals have passed
    // since the first was due, and the first cannot start before its due time.
    const span = (d.attempts[2].startedAt - d.attempts[0].startedAt) / 60_000;
    assert.ok(span >= 5, `two retries, five virtual minutes apart each, took only ${span} virtual minutes`);
    assert.ok(d.attempts[1].startedAt < d.attempts[2].startedAt, 'attempts in order');
    assert.equal(healthy.requests.length, 1);
    assert.equal((await call('GET', `/emulator/deliveries?webhook_id=${b.id}`)).json.data[0].status, 'delivered');
  });
});

describe('durability', () => {
  it('after kill -9, queued events, retries and a batch that was in flight are delivered with the same bodies and ids', async () => {
    const dir = tempDir();
    let failing = true;
    const r1 = await receiver(() => (failing ? { status: 500 } : { status: 200 }));
    const r2 = await receiver(sequence({ hang: true }, { status: 200 }));
    const first = await start(['--data', dir]);
    let call = api(first.ready);
    const h1 = await webhook(call, r1.url, ['delivery']);
    const h2 = await webhook(call, r2.url, ['open']);
    await call('POST', '/emulator/replay', { events: [ev('a@x.test'), ev('b@x.test'), ev('c@x.test'), ev('o@x.test', 'open')] });
    await call('POST', '/emulator/clock/advance', { seconds: 30 });
    await r1.waitFor(1);
    await r2.waitFor(1); // in flight: the receiver never answers
    const late = (await call('POST', '/emulator/replay', { events: [ev('d@x.test'), ev('e@x.test')] })).json.data.event_ids;
    await first.kill9();

    failing = false;
    const second = await start(['--data', dir]);
    call = api(second.ready);
    await r2.waitFor(2); // due at once after the restart
    assert.equal(r2.requests[1].body, r2.requests[0].body, 'the batch in flight is sent again, same bytes');
    await call('POST', '/emulator/clock/advance', { seconds: 300 });
    await r1.waitFor(3);
    const bodies = r1.requests.map((q) => q.body);
    assert.equal(bodies.filter((b) => b === bodies[0]).length, 2, 'the failed batch is retried with the same body');
    assert.deepEqual(
      new Set(bodies.flatMap(idsOf)),
      new Set([...idsOf(bodies[0]), ...late]),
      'queued events survived',
    );
    await eventually(async () => (await call('GET', '/emulator/status')).json.pendingDeliveries === 0, 'nothing pending');
    const all = (await call('GET', '/emulator/deliveries')).json.data;
    assert.deepEqual(all.map((d: { status: string }) => d.status), ['delivered', 'delivered', 'delivered']);
    assert.equal(all.find((d: { webhookId: number; attemptCount: number }) => d.webhookId === h1.id && d.attemptCount === 2)?.attempts[0].response.status, 500);
    assert.ok(all.some((d: { webhookId: number }) => d.webhookId === h2.id));
  });

  it('SIGTERM during a hanging attempt exits 0; the attempt is made again after restart', async () => {
    const dir = tempDir();
    const r = await receiver(sequence({ hang: true }, { status: 200 }));
    const first = await start(['--data', dir]);
    let call = api(first.ready);
    await webhook(call, r.url, ['delivery']);
    await call('POST', '/emulator/replay', { events: [ev('a@x.test')] });
    await call('POST', '/emulator/clock/advance', { seconds: 30 });
    await r.waitFor(1);
    assert.equal(await first.stop(), 0);
    const second = await start(['--data', dir]);
    call = api(second.ready);
    await r.waitFor(2);
    assert.equal(r.requests[1].body, r.requests[0].body);
    await eventually(async () => (await call('GET', '/emulator/deliveries?status=delivered')).json.total === 1, 'delivered after restart');
    const [d] = (await call('GET', '/emulator/deliveries')).json.data;
    assert.equal(d.attemptCount, 1, 'the interrupted attempt left no record');
  });
});
