/** Batching, routing and the POST itself, against real receivers on 127.0.0.1. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { startReceiver, type Receiver } from '../../helpers/receiver';
import { startTestEmulator, type TestEmulator } from '../../helpers/inProcessEmulator';

const SAMPLES = '/work/shared/samples';
const sample = (f: string) => fs.readFileSync(`${SAMPLES}/${f}`, 'utf8');
const ALL_TYPES = ['delivery', 'open', 'click', 'unsubscribe', 'spam_complaint', 'soft_bounce', 'bounce', 'suspension', 'reject'];

let t: TestEmulator;
const receivers: Receiver[] = [];
const receiver = async () => {
  const r = await startReceiver();
  receivers.push(r);
  return r;
};

before(async () => {
  t = await startTestEmulator();
});
after(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('batching', () => {
  it('1,200 events go out as 500 + 500 + 200, oldest first, only once the 30 s window has passed', async () => {
    const r = await receiver();
    const hook = await t.webhook({ url: `${r.url}/hooks`, event_types: ALL_TYPES });
    const input = JSON.parse(sample('mixed-1200-events.json')).events as { event_id: string }[];
    const replayed = await t.replay({ events: input, keep_ids: true });
    assert.equal(replayed.recorded, 1200);

    await t.advance(29);
    assert.equal(r.requests.length, 0, 'nothing before the batch interval');
    await t.advance(1);
    assert.deepEqual(
      r.requests.map((q) => JSON.parse(q.body).events.length),
      [500, 500, 200],
    );
    const sent = r.requests.flatMap((q) => JSON.parse(q.body).events.map((e: { event_id: string }) => e.event_id));
    assert.deepEqual(sent, input.map((e) => e.event_id), 'every event once, in recording order');
    for (const q of r.requests) {
      assert.equal(q.method, 'POST');
      assert.equal(q.url, '/hooks');
      assert.equal(q.headers['content-type'], 'application/json');
      assert.match(String(q.headers['user-agent']), /Mailtrap-Webhooks-Emulator/);
      assert.ok(verifyWebhookSignature(q.body, String(q.headers['mailtrap-signature']), hook.signing_secret), 'the SDK accepts the signature');
      assert.equal(verifyWebhookSignature(q.body, String(q.headers['mailtrap-signature']), 'f'.repeat(32)), false);
    }
    const list = (await t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json;
    assert.equal(list.total, 3);
    assert.deepEqual(list.data.map((d: { status: string }) => d.status), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual(list.data.map((d: { eventCount: number }) => d.eventCount), [200, 500, 500], 'newest first');
    await t.advance(300);
    assert.equal(r.requests.length, 3, 'delivered batches are not sent again');
  });

  it('events recorded later in a window join the same batch; the next event opens a new window', async () => {
    const r = await receiver();
    await t.webhook({ url: r.url, event_types: ['delivery'] });
    const one = (email: string) => ({ events: [{ event: 'delivery', message_id: 'm', email, sending_stream: 'transactional', sending_domain_name: 'example.com' }] });
    await t.replay(one('a@example.net'));
    await t.advance(20);
    await t.replay(one('b@example.net'));
    await t.advance(10);
    assert.equal(r.requests.length, 1);
    assert.deepEqual(JSON.parse(r.requests[0].body).events.map((e: { email: string }) => e.email), ['a@example.net', 'b@example.net']);
    await t.replay(one('c@example.net'));
    await t.advance(29);
    assert.equal(r.requests.length, 1);
    await t.advance(1);
    assert.equal(r.requests.length, 2);
  });
});

describe('routing', () => {
  it('by event type (both spellings), sending stream, domain, and active flag', async () => {
    const [deliveryOnly, spamSoft, bulkBounce, scoped, otherDomain, paused] = await Promise.all(Array.from({ length: 6 }, receiver));
    const domain = (await t.call('POST', '/api/domains', { domain: { domain_name: 'example.com' } })).json;
    const other = (await t.call('POST', '/api/domains', { domain: { domain_name: 'other.test' } })).json;
    await t.webhook({ url: deliveryOnly.url, event_types: ['delivery'] });
    await t.webhook({ url: spamSoft.url, event_types: ['spam_complaint', 'soft_bounce'] });
    await t.webhook({ url: bulkBounce.url, sending_stream: 'bulk', event_types: ['bounce'] });
    await t.webhook({ url: scoped.url, event_types: ['open', 'click'], domain_id: domain.id });
    await t.webhook({ url: otherDomain.url, event_types: ALL_TYPES, domain_id: other.id });
    await t.webhook({ url: paused.url, event_types: ALL_TYPES, active: false });
    await t.replay(JSON.parse(sample('all-event-types.json')));
    await t.replay(sample('bulk-bounce-storm.jsonl'));
    await t.advance(30);
    const types = (r: Receiver) => r.requests.flatMap((q) => JSON.parse(q.body).events.map((e: { event: string }) => e.event)).sort();
    assert.deepEqual(types(deliveryOnly), ['delivery']);
    assert.deepEqual(types(spamSoft), ['soft bounce', 'spam']);
    assert.equal(types(bulkBounce).length, 40);
    assert.ok(types(bulkBounce).every((e: string) => e === 'bounce'));
    assert.deepEqual(types(scoped), ['click', 'open']);
    assert.deepEqual(types(otherDomain), []);
    assert.deepEqual(types(paused), []);
  });
});

describe('the POST', () => {
  it('basic auth from the URL into Authorization, stripped from the target; the token query kept; jsonlines', async () => {
    const r = await receiver();
    const hook = await t.webhook({
      url: `http://hook%20user:p%40ss@127.0.0.1:${r.port}/in/bound?token=abc123&x=1`,
      event_types: ['bounce'],
      sending_stream: 'bulk',
      payload_format: 'jsonlines',
    });
    await t.replay(sample('bulk-bounce-storm.jsonl'));
    await t.advance(30);
    assert.equal(r.requests.length, 1);
    const q = r.requests[0];
    assert.equal(q.url, '/in/bound?token=abc123&x=1');
    assert.equal(q.headers.authorization, 'Basic ' + Buffer.from('hook user:p@ss').toString('base64'));
    assert.equal(q.headers['content-type'], 'application/jsonl');
    const lines = q.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 40);
    assert.ok(lines.every((e) => e.event === 'bounce' && typeof e.bounce_category === 'string'));
    assert.ok(verifyWebhookSignature(q.body, String(q.headers['mailtrap-signature']), hook.signing_secret));

    const d = (await t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json.data[0];
    assert.equal(d.payloadFormat, 'jsonlines');
    assert.equal(d.body, q.body, 'the stored body is the exact bytes sent');
    const a = d.attempts[0];
    assert.equal(a.request.url, `http://127.0.0.1:${r.port}/in/bound?token=abc123&x=1`, 'no password in the attempt log');
    assert.equal(a.request.headers.Authorization, 'Basic [redacted]');
    assert.equal(a.request.headers['Mailtrap-Signature'], q.headers['mailtrap-signature']);
    assert.equal(a.response.status, 200);
    assert.equal(a.ok, true);
    assert.doesNotMatch(d.webhookUrl, /p%40ss|p@ss/);
  });
});
