/** Success is exactly 200; everything else is retried with the same body on the 5-minute schedule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { always, sequence } from '../../helpers/receiver';
import { sharedSample, startTestEmulator, useTestEmulator, type TestEmulator } from '../../helpers/inProcessEmulator';

const fx = useTestEmulator();
const receiver = fx.receiver;
const event = (email = 'user@example.net') => ({
  events: [{ event: 'delivery', message_id: 'msg-1', email, sending_stream: 'transactional', sending_domain_name: 'example.com' }],
});
const deliveriesOf = async (webhookId: number, on: TestEmulator = fx.t) => (await on.call('GET', `/emulator/deliveries?webhook_id=${webhookId}`)).json.data;


describe('attempt outcomes', () => {
  it('204, 301, 500, a timeout and a reset each fail the attempt; the retry 5 minutes later sends the identical body', async () => {
    const redirectTarget = await receiver();
    const cases = [
      { name: '204', first: { status: 204 }, error: /^status 204$/ },
      { name: '301', first: { status: 301, headers: { Location: `${redirectTarget.url}/moved` } }, error: /^status 301$/ },
      { name: '500', first: { status: 500, body: 'boom' }, error: /^status 500$/ },
      { name: 'timeout', first: { hang: true }, error: /^timeout after 30 s$/ },
      { name: 'reset', first: { reset: true }, error: /ECONNRESET|socket|closed/i },
    ];
    const setups = [];
    for (const c of cases) {
      const r = await receiver(sequence(c.first, { status: 200 }));
      const hook = await fx.t.webhook({ url: r.url });
      setups.push({ ...c, r, hook });
    }
    await fx.t.replay(event());
    await fx.t.advance(30); // first attempts (the hanging one is still open)
    await fx.t.advance(30); // its 30 s timeout passes
    for (const s of setups) {
      assert.equal(s.r.requests.length, 1, s.name);
      const [d] = await deliveriesOf(s.hook.id);
      assert.equal(d.status, 'retrying', s.name);
      assert.equal(d.attemptCount, 1, s.name);
      assert.match(d.attempts[0].error, s.error, s.name);
      assert.equal(d.attempts[0].ok, false);
      assert.equal(Math.round((d.nextAttemptAt - d.attempts[0].startedAt) / 1000), 300, `${s.name}: due 5 minutes after the attempt`);
    }
    assert.equal(redirectTarget.requests.length, 0, 'redirects are not followed');
    assert.equal((await fx.t.call('GET', '/emulator/status')).json.pendingDeliveries, 5);

    await fx.t.advance(300);
    for (const s of setups) {
      assert.equal(s.r.requests.length, 2, s.name);
      const [a, b] = s.r.requests;
      assert.equal(b.body, a.body, `${s.name}: same bytes`);
      assert.equal(b.headers['mailtrap-signature'], a.headers['mailtrap-signature']);
      assert.ok(verifyWebhookSignature(b.body, String(b.headers['mailtrap-signature']), s.hook.signing_secret));
      const [d] = await deliveriesOf(s.hook.id);
      assert.equal(d.status, 'delivered', s.name);
      assert.deepEqual(d.attempts.map((x: { number: number }) => x.number), [1, 2]);
      assert.equal(d.nextAttemptAt, null);
    }
    assert.equal((await fx.t.call('GET', '/emulator/status')).json.pendingDeliveries, 0);
  });

  it('a refused connection is a failed attempt', async () => {
    const r = await receiver();
    const port = r.port;
    await r.close();
    const hook = await fx.t.webhook({ url: `http://127.0.0.1:${port}/gone` });
    await fx.t.replay(event());
    await fx.t.advance(30);
    const [d] = await deliveriesOf(hook.id);
    assert.equal(d.status, 'retrying');
    assert.equal(d.attempts[0].response, null);
    assert.match(d.attempts[0].error, /ECONNREFUSED/);
  });

  it('the response body is kept up to 64 KiB and marked truncated', async () => {
    const big = 'x'.repeat(200 * 1024);
    const r = await receiver(always(200));
    const r2 = await receiver(() => ({ status: 500, body: big }));
    const ok = await fx.t.webhook({ url: r.url });
    const failing = await fx.t.webhook({ url: r2.url });
    await fx.t.replay(event());
    await fx.t.advance(30);
    const [d] = await deliveriesOf(failing.id);
    assert.equal(d.attempts[0].response.body.length, 64 * 1024);
    assert.equal(d.attempts[0].response.truncated, true);
    assert.equal((await deliveriesOf(ok.id))[0].attempts[0].response.truncated, false);
  });
});

describe('the retry schedule', () => {
  it("a flush's batches go out one after another: after a 200 the next goes on, a failure that pauses the webhook holds the rest back", async () => {
    // No retries: a failed first attempt is the last, and pauses the webhook (SPEC §5). The next
    // batch of the same flush goes out while a 200's record is being written (issue 13), but never
    // past a failure whose record pauses the webhook.
    const own = await startTestEmulator(['--retries', '0']);
    const r = await receiver(sequence({ status: 200 }, { status: 500 }, { status: 200 }));
    try {
      const hook = await own.webhook({ url: r.url, event_types: ['delivery', 'open', 'click', 'bounce', 'soft_bounce', 'spam_complaint', 'unsubscribe', 'suspension', 'reject'] });
      const input = JSON.parse(sharedSample('mixed-1200-events.json')).events;
      await own.replay({ events: input, keep_ids: true });
      await own.advance(30);
      assert.equal(r.requests.length, 2, 'the third batch waits: the second failed and paused the webhook');
      const byOldest = (await deliveriesOf(hook.id, own)).reverse();
      assert.deepEqual(byOldest.map((d: { status: string }) => d.status), ['delivered', 'failed', 'pending']);
      assert.deepEqual(byOldest.map((d: { attemptCount: number }) => d.attemptCount), [1, 1, 0]);
      assert.equal((await own.call('GET', `/api/webhooks/${hook.id}`)).json.data.active, false);

      await own.call('PATCH', `/api/webhooks/${hook.id}`, { webhook: { active: true } });
      await own.advance(0);
      await r.waitFor(3);
      await own.advance(0);
      assert.deepEqual(JSON.parse(r.requests[2].body).events.map((e: { event_id: string }) => e.event_id), input.slice(1000).map((e: { event_id: string }) => e.event_id));
      assert.deepEqual((await deliveriesOf(hook.id, own)).map((d: { status: string }) => d.status), ['delivered', 'failed', 'delivered']);
    } finally {
      await own.close();
    }
  });

  it('exactly 41 attempts 5 virtual minutes apart, then the batch is dropped and the webhook paused', async () => {
    // An emulator of its own, so the figure printed below measures this schedule alone.
    const own = await startTestEmulator();
    try {
      await schedule(own);
    } finally {
      await own.close();
    }
  });
});

/** The default schedule against a receiver that always answers 500. */
async function schedule(t: TestEmulator): Promise<void> {
  const r = await receiver(always(500));
  const hook = await t.webhook({ url: r.url });
  await t.replay(event());
  await t.advance(30);
  const started = performance.now();
  await t.advance(41 * 300);
  const wallMs = performance.now() - started;
  console.log(`# 41-attempt schedule (40 retries x 300 s) under one clock/advance: ${Math.round(wallMs)} ms wall`);

  assert.equal(r.requests.length, 41);
  assert.ok(r.requests.every((q) => q.body === r.requests[0].body), 'every attempt sends the same body');
  const [d] = await deliveriesOf(hook.id, t);
  assert.equal(d.status, 'failed');
  assert.equal(d.attemptCount, 41);
  assert.equal(d.nextAttemptAt, null);
  assert.match(d.lastError, /retries exhausted after 41 attempts, webhook paused/);
  const starts = d.attempts.map((a: { startedAt: number }) => a.startedAt);
  // Counted in virtual seconds: at time scale 1 the real milliseconds an attempt takes also pass on the clock.
  for (let i = 1; i < starts.length; i++) assert.equal(Math.round((starts[i] - starts[i - 1]) / 1000), 300, `gap before attempt ${i + 1}`);
  assert.equal(Math.round((starts[40] - starts[0]) / 1000), 40 * 300, 'no drift over the schedule');
  assert.equal((await t.call('GET', `/api/webhooks/${hook.id}`)).json.data.active, false, 'webhook paused');
  assert.ok(t.logs.some((l) => /webhook paused/.test(l) && JSON.parse(l).component === 'delivery' && JSON.parse(l).webhookId === hook.id));

  await t.advance(3600);
  assert.equal(r.requests.length, 41, 'nothing after the last attempt');
  await t.replay(event('later@example.net'));
  await t.advance(60);
  assert.equal(r.requests.length, 41, 'a paused webhook queues no new events');
}

