/** Pause, resume, delete, isolation between webhooks, manual resend and the inspection filters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { always, sequence } from '../../helpers/receiver';
import { useTestEmulator } from '../../helpers/inProcessEmulator';

const fx = useTestEmulator();
const receiver = fx.receiver;
const ev = (over: Record<string, unknown> = {}) => ({
  event: 'delivery',
  message_id: 'msg-1',
  email: 'user@example.net',
  sending_stream: 'transactional',
  sending_domain_name: 'example.com',
  ...over,
});
const deliveriesOf = async (webhookId: number) => (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${webhookId}`)).json.data;
const patch = (id: number, body: object) => fx.t.call('PATCH', `/api/webhooks/${id}`, { webhook: body });


describe('paused and resumed webhooks', () => {
  it('queued events wait while paused and go out at resume', async () => {
    const r = await receiver();
    const hook = await fx.t.webhook({ url: r.url });
    await fx.t.replay({ events: [ev()] });
    assert.equal((await patch(hook.id, { active: false })).status, 200);
    await fx.t.advance(300);
    assert.equal(r.requests.length, 0);
    await patch(hook.id, { active: true });
    await fx.t.advance(0);
    await r.waitFor(1);
    assert.equal(JSON.parse(r.requests[0].body).events[0].email, 'user@example.net');
  });

  it('a retrying batch waits while paused and is attempted again at resume', async () => {
    const r = await receiver(sequence({ status: 503 }, { status: 200 }));
    const hook = await fx.t.webhook({ url: r.url });
    await fx.t.replay({ events: [ev()] });
    await fx.t.advance(30);
    assert.equal(r.requests.length, 1);
    await patch(hook.id, { active: false });
    await fx.t.advance(3600);
    assert.equal(r.requests.length, 1, 'no attempts while paused');
    assert.equal((await deliveriesOf(hook.id))[0].status, 'retrying');
    await patch(hook.id, { active: true });
    await fx.t.advance(0);
    await r.waitFor(2);
    assert.equal(r.requests[1].body, r.requests[0].body);
    await fx.t.advance(0);
    const [d] = await deliveriesOf(hook.id);
    assert.equal(d.status, 'delivered');
    assert.equal(d.attemptCount, 2);
  });
});

describe('deleted webhooks', () => {
  it('drop their queue and cancel their open batches', async () => {
    const queuedOnly = await receiver();
    const retrying = await receiver(always(500));
    const a = await fx.t.webhook({ url: queuedOnly.url });
    const b = await fx.t.webhook({ url: retrying.url, event_types: ['open'] });
    await fx.t.replay({ events: [ev({ event: 'open' })] });
    await fx.t.advance(30);
    assert.equal(retrying.requests.length, 1);
    await fx.t.replay({ events: [ev()] });
    await fx.t.call('DELETE', `/api/webhooks/${a.id}`);
    await fx.t.call('DELETE', `/api/webhooks/${b.id}`);
    await fx.t.advance(3600);
    assert.equal(queuedOnly.requests.length, 0);
    assert.equal(retrying.requests.length, 1);
    const [d] = await deliveriesOf(b.id);
    assert.equal(d.status, 'cancelled');
    assert.equal(d.nextAttemptAt, null);
  });
});

describe('isolation', () => {
  it('a hanging endpoint does not delay another webhook', async () => {
    const hanging = await receiver(() => ({ hang: true }));
    const healthy = await receiver();
    const slow = await fx.t.webhook({ url: hanging.url, event_types: ['click'] }); // created first: flushed first
    const fast = await fx.t.webhook({ url: healthy.url, event_types: ['click'] });
    await fx.t.replay({ events: [ev({ event: 'click', url: 'https://example.com' })] });
    await fx.t.advance(30);
    assert.equal(healthy.requests.length, 1);
    const [f] = await deliveriesOf(fast.id);
    assert.equal(f.status, 'delivered');
    const [s] = await deliveriesOf(slow.id);
    assert.equal(s.status, 'pending', 'the hanging attempt is still open');
    assert.equal(s.attemptCount, 0);
    await fx.t.advance(30);
    const [s2] = await deliveriesOf(slow.id);
    assert.equal(s2.status, 'retrying');
    assert.match(s2.attempts[0].error, /timeout/);
  });
});

describe('resend', () => {
  it('a whole batch, or one event of it, as a new signed delivery of kind resend', async () => {
    const r = await receiver();
    const hook = await fx.t.webhook({ url: r.url, event_types: ['delivery', 'bounce'] });
    const { event_ids } = await fx.t.replay({
      events: [ev({ email: 'a@example.net' }), ev({ event: 'bounce', email: 'b@example.net', message_id: 'msg-2' })],
    });
    await fx.t.advance(30);
    const [orig] = await deliveriesOf(hook.id);
    const whole = await fx.t.call('POST', `/emulator/deliveries/${orig.id}/resend`);
    assert.equal(whole.status, 200);
    assert.equal(whole.json.data.kind, 'resend');
    assert.equal(whole.json.data.body, orig.body);
    const one = await fx.t.call('POST', `/emulator/deliveries/${orig.id}/resend`, { event_id: event_ids[1] });
    assert.equal(one.json.data.eventCount, 1);
    await fx.t.advance(0);
    await r.waitFor(3);
    assert.equal(r.requests[1].body, r.requests[0].body);
    const single = JSON.parse(r.requests[2].body).events;
    assert.deepEqual(single.map((e: { event_id: string }) => e.event_id), [event_ids[1]]);
    assert.ok(verifyWebhookSignature(r.requests[2].body, String(r.requests[2].headers['mailtrap-signature']), hook.signing_secret));

    assert.equal((await fx.t.call('POST', `/emulator/deliveries/${orig.id}/resend`, { event_id: 'nope' })).status, 422);
    assert.equal((await fx.t.call('POST', '/emulator/deliveries/999999/resend')).status, 404);

    // Filters: event type (either spelling), message id, email, status.
    const q = async (s: string) => (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}&${s}`)).json;
    assert.equal((await q('event=bounce')).total, 3);
    assert.equal((await q('message_id=msg-1')).total, 2, 'the original and the whole resend');
    assert.equal((await q('email=B@example.net')).total, 3);
    await fx.t.advance(0);
    assert.equal((await q('status=delivered')).total, 3);
    assert.equal((await fx.t.call('GET', '/emulator/deliveries?status=bogus')).status, 400);
    const page = await q('limit=2');
    assert.equal(page.data.length, 2);
    assert.equal((await q(`before=${page.next_before}`)).data.length, 1);

    // `summary=true`: the same page as the stream announces each delivery (no batch body, attempts
    // without bodies), what the tree and the web UI's webhook rows read: 200 full batches of 500
    // events would be tens of MB a refresh.
    const full = await q('limit=2');
    const summary = await q('limit=2&summary=true');
    assert.equal(summary.total, full.total);
    assert.equal(summary.next_before, full.next_before);
    const stripped = full.data.map(({ body: _b, attempts, ...d }: { body: string; attempts: { request: { body: string }; response: { body: string } | null }[] }) => ({
      ...d,
      attempts: attempts.map(({ request: { body: _rb, ...request }, response, ...a }) => ({ ...a, request, response: response && (({ body: _sb, ...rest }) => rest)(response) })),
    }));
    assert.deepEqual(summary.data, stripped);
    assert.ok(full.data.every((d: { body: string }) => d.body.length > 0), 'the full list has the bodies');
    const eventIds = full.data.flatMap((d: { body: string }) => (JSON.parse(d.body) as { events: { event_id: string }[] }).events.map((e) => e.event_id));
    assert.ok(eventIds.length > 0 && eventIds.every((id: string) => !JSON.stringify(summary).includes(id)), 'no payload in the summaries');
    assert.deepEqual((await q('summary=false&limit=2')).data, full.data);
    const bad = await fx.t.call('GET', '/emulator/deliveries?summary=yes');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /'summary' must be true or false/);
  });
});
