/** Batching, routing and the POST itself, against real receivers on 127.0.0.1. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { sharedSample, useTestEmulator } from '../../helpers/inProcessEmulator';
import { sequence, type Receiver } from '../../helpers/receiver';

const sample = sharedSample;
const ALL_TYPES = ['delivery', 'open', 'click', 'unsubscribe', 'spam_complaint', 'soft_bounce', 'bounce', 'suspension', 'reject'];

const fx = useTestEmulator();
const receiver = fx.receiver;


describe('batching', () => {
  it('1,200 events go out as 500 + 500 + 200, oldest first, only once the 30 s window has passed', async () => {
    const r = await receiver();
    const hook = await fx.t.webhook({ url: `${r.url}/hooks`, event_types: ALL_TYPES });
    const input = JSON.parse(sample('mixed-1200-events.json')).events as { event_id: string }[];
    const replayed = await fx.t.replay({ events: input, keep_ids: true });
    assert.equal(replayed.recorded, 1200);

    await fx.t.advance(29);
    assert.equal(r.requests.length, 0, 'nothing before the batch interval');
    await fx.t.advance(1);
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
    const list = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json;
    assert.equal(list.total, 3);
    assert.deepEqual(list.data.map((d: { status: string }) => d.status), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual(list.data.map((d: { eventCount: number }) => d.eventCount), [200, 500, 500], 'newest first');
    await fx.t.advance(300);
    assert.equal(r.requests.length, 3, 'delivered batches are not sent again');
  });

  it('events recorded later in a window join the same batch; the next event opens a new window', async () => {
    const r = await receiver();
    await fx.t.webhook({ url: r.url, event_types: ['delivery'] });
    const one = (email: string) => ({ events: [{ event: 'delivery', message_id: 'm', email, sending_stream: 'transactional', sending_domain_name: 'example.com' }] });
    await fx.t.replay(one('a@example.net'));
    await fx.t.advance(20);
    await fx.t.replay(one('b@example.net'));
    await fx.t.advance(10);
    assert.equal(r.requests.length, 1);
    assert.deepEqual(JSON.parse(r.requests[0].body).events.map((e: { email: string }) => e.email), ['a@example.net', 'b@example.net']);
    await fx.t.replay(one('c@example.net'));
    await fx.t.advance(29);
    assert.equal(r.requests.length, 1);
    await fx.t.advance(1);
    assert.equal(r.requests.length, 2);
  });

  it('a flush sends what was queued when its window closed: events recorded while its batches go out wait for the next window', async () => {
    // The first batch is held unanswered while 50 more events are recorded; the flush's second
    // batch still holds only the 100 queued before it began (its batches are cut one at a time,
    // each while the one before it is out: issue 13).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        void (bodies.length === 1 ? held : Promise.resolve()).then(() => res.end('ok'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await fx.t.webhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, event_types: ['delivery'] });
      const event = (email: string) => ({ event: 'delivery', message_id: 'm', email, sending_stream: 'transactional', sending_domain_name: 'example.com' });
      const first = Array.from({ length: 600 }, (_, i) => event(`first${i}@example.net`));
      await fx.t.replay({ events: first });
      const flushing = fx.t.advance(30);
      while (bodies.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      await fx.t.replay({ events: Array.from({ length: 50 }, (_, i) => event(`later${i}@example.net`)) });
      release();
      await flushing;
      const emails = (b: string) => JSON.parse(b).events.map((e: { email: string }) => e.email);
      assert.deepEqual(bodies.map((b) => emails(b).length), [500, 100], 'the flush held the 600 queued before it');
      assert.deepEqual(bodies.flatMap(emails), first.map((e) => e.email), 'in recording order');
      await fx.t.advance(29);
      assert.equal(bodies.length, 2, 'the later events wait for their own window');
      await fx.t.advance(1);
      assert.deepEqual(bodies.slice(2).map(emails), [Array.from({ length: 50 }, (_, i) => `later${i}@example.net`)]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('routing', () => {
  it('by event type (both spellings), sending stream, domain, and active flag', async () => {
    const [deliveryOnly, spamSoft, bulkBounce, scoped, otherDomain, paused] = await Promise.all(Array.from({ length: 6 }, receiver));
    const domain = (await fx.t.call('POST', '/api/domains', { domain: { domain_name: 'example.com' } })).json;
    const other = (await fx.t.call('POST', '/api/domains', { domain: { domain_name: 'other.test' } })).json;
    await fx.t.webhook({ url: deliveryOnly.url, event_types: ['delivery'] });
    await fx.t.webhook({ url: spamSoft.url, event_types: ['spam_complaint', 'soft_bounce'] });
    await fx.t.webhook({ url: bulkBounce.url, sending_stream: 'bulk', event_types: ['bounce'] });
    await fx.t.webhook({ url: scoped.url, event_types: ['open', 'click'], domain_id: domain.id });
    await fx.t.webhook({ url: otherDomain.url, event_types: ALL_TYPES, domain_id: other.id });
    await fx.t.webhook({ url: paused.url, event_types: ALL_TYPES, active: false });
    await fx.t.replay(JSON.parse(sample('all-event-types.json')));
    await fx.t.replay(sample('bulk-bounce-storm.jsonl'));
    await fx.t.advance(30);
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
    const hook = await fx.t.webhook({
      url: `http://hook%20user:p%40ss@127.0.0.1:${r.port}/in/bound?token=abc123&x=1`,
      event_types: ['bounce'],
      sending_stream: 'bulk',
      payload_format: 'jsonlines',
    });
    await fx.t.replay(sample('bulk-bounce-storm.jsonl'));
    await fx.t.advance(30);
    assert.equal(r.requests.length, 1);
    const q = r.requests[0];
    assert.equal(q.url, '/in/bound?token=abc123&x=1');
    assert.equal(q.headers.authorization, 'Basic ' + Buffer.from('hook user:p@ss').toString('base64'));
    assert.equal(q.headers['content-type'], 'application/jsonl');
    const lines = q.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 40);
    assert.ok(lines.every((e) => e.event === 'bounce' && typeof e.bounce_category === 'string'));
    assert.ok(verifyWebhookSignature(q.body, String(q.headers['mailtrap-signature']), hook.signing_secret));

    const d = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json.data[0];
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

  // A batch's body is made as UTF-8 bytes from its events' JSON (body.ts), signed and sent as those
  // bytes, and kept as their text: for the API, for a retry, and in a read-model row that waits for
  // a quiet store (issue 13). Text outside ASCII is where bytes and text could part (a byte length,
  // a decode, a re-encode).
  it('a body with text outside ASCII: the API shows what was sent, a retry and a resend send the same bytes', async () => {
    const r = await receiver(sequence({ status: 500 }, { status: 200 }, { status: 200 }));
    const hook = await fx.t.webhook({ url: r.url, event_types: ['delivery', 'bounce'] });
    const event = (email: string, extra: Record<string, unknown>) => ({
      event: 'delivery',
      message_id: `m-${email}`,
      email,
      sending_stream: 'transactional',
      sending_domain_name: 'exämple.test',
      ...extra,
    });
    await fx.t.replay({
      events: [
        event('zoë@exämple.test', { category: 'grüße \u2028 "quoted" \\ 😀', custom_variables: { name: 'Zoë 😀', nested: { 日本: ['語', null] } } }),
        { ...event('ascii@example.test', {}), event: 'bounce', bounce_category: 'bad_mailbox', response: '550 5.1.1 Ünknown' },
      ],
    });
    await fx.t.advance(30);
    await r.waitFor(1);
    const sent = r.requests[0];
    assert.equal(Number(sent.headers['content-length']), Buffer.byteLength(sent.body), 'the body arrived whole, as UTF-8');
    assert.deepEqual(
      JSON.parse(sent.body).events.map((e: { email: string; custom_variables?: { name: string } }) => [e.email, e.custom_variables?.name]),
      [
        ['zoë@exämple.test', 'Zoë 😀'],
        ['ascii@example.test', undefined],
      ],
    );
    assert.ok(verifyWebhookSignature(sent.body, String(sent.headers['mailtrap-signature']), hook.signing_secret));

    // Read while its row still waits (the read writes it into SQLite first).
    const [d] = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json.data;
    assert.equal(d.body, sent.body, 'the stored body is the text of the bytes sent');
    assert.equal((await fx.t.call('GET', `/emulator/deliveries/${d.id}`)).json.data.body, sent.body);

    await fx.t.advance(300);
    await r.waitFor(2);
    assert.equal(r.requests[1].body, sent.body, 'the retry sends the same bytes');
    assert.equal(r.requests[1].headers['mailtrap-signature'], sent.headers['mailtrap-signature']);

    assert.equal((await fx.t.call('POST', `/emulator/deliveries/${d.id}/resend`, {})).status, 200);
    await fx.t.advance(1);
    await r.waitFor(3);
    assert.equal(r.requests[2].body, sent.body, 'a resend of the whole batch sends the same bytes');
  });
});
