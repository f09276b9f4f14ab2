/**
 * Email Logs through the official `mailtrap` client (`client.emailLogs`), against the real
 * process: a known mix sent by API (both streams) and SMTP, the clock advanced, then statuses,
 * counts, events, filters (sent as the SDK's deepObject query), cursors and the raw message.
 * Shapes: `mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml` (`listEmailLogs`,
 * `getEmailLogMessage`) and the SDK's `dist/types/api/email-logs.d.ts`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { EmailLogsListFilters } from 'mailtrap/dist/types/api/email-logs';
import { smtpTransport, useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance } from '../../helpers/sending';

// A nearly stopped clock: only the tests' advances run lifecycles, however slow the machine.
const shared = useEmulatorProcess(['--memory', '--time-scale', '0.000001']);
const client = () => emulatorClient(shared.emu.ready.http, shared.emu.ready.token);

/** Recipient → message id, for the mix below. */
const ids: Record<string, string> = {};
const byId = (id: string) => Object.keys(ids).find((k) => ids[k] === id);

async function sendMix() {
  const c = client();
  const tx = await c.send({
    from: { email: 'app@shop.test', name: 'Shop' },
    to: [{ email: 'ann+click@gmail.com' }, { email: 'bob+bounce@yahoo.com' }, { email: 'cat@example.com' }],
    subject: 'Welcome aboard',
    html: '<p>Hi</p><a href="https://shop.test/start">Start</a>',
    category: 'Welcome',
    custom_variables: { user_id: 7 },
  });
  [ids.ann, ids.bob, ids.cat] = tx.message_ids;
  const bulk = await emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { bulk: true }).send({
    from: { email: 'news@shop.test' },
    to: [{ email: 'dan+unsubscribe@outlook.com' }],
    subject: 'Weekly news',
    text: 'News',
    category: 'News',
  });
  [ids.dan] = bulk.message_ids;
  const smtp = smtpTransport(shared.emu.ready);
  const info = await smtp.sendMail({
    from: 'billing@mailer.test',
    to: 'eve+soft-bounce@example.org',
    subject: 'Your receipt',
    text: 'Thanks for your order',
    messageId: '<receipt-1@mailer.test>',
    inReplyTo: '<order-1@mailer.test>',
    references: ['<order-1@mailer.test>'],
    headers: { 'X-MT-Category': 'Receipts' },
  });
  ids.eve = /queued as ([0-9a-f-]{36})/.exec(info.response)![1];
  smtp.close();
}

describe('email logs: a known mix through client.emailLogs', () => {
  before(sendMix);

  it('right after the sends answer, every message is listed, newest first, enqueued, with its fields', async () => {
    const list = await client().emailLogs.getList();
    assert.equal(list.total_count, 5);
    assert.equal(list.next_page_cursor, null);
    assert.deepEqual(list.messages.map((m) => byId(m.message_id)), ['eve', 'dan', 'cat', 'bob', 'ann']);
    assert.ok(list.messages.every((m) => m.status === 'enqueued' && m.opens_count === 0 && m.clicks_count === 0));
    const ann = list.messages.find((m) => m.message_id === ids.ann)!;
    assert.equal(ann.to, 'ann+click@gmail.com');
    assert.equal(ann.from, 'app@shop.test');
    assert.equal(ann.subject, 'Welcome aboard');
    assert.equal(ann.category, 'Welcome');
    assert.deepEqual(ann.custom_variables, { user_id: 7 });
    assert.equal(ann.sending_stream, 'transactional');
    assert.match(ann.sent_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const domains = (await shared.call('GET', '/api/domains')).json.data;
    assert.equal(ann.sending_domain_id, domains.find((d: any) => d.domain_name === 'shop.test').id);
    const dan = list.messages.find((m) => m.message_id === ids.dan)!;
    assert.equal(dan.sending_stream, 'bulk');
  });

  it('after the lifecycles ran: statuses as Mailtrap derives them, opens and clicks counted', async () => {
    await advance(shared.call, 600);
    const list = await client().emailLogs.getList();
    const status = Object.fromEntries(list.messages.map((m) => [byId(m.message_id), [m.status, m.opens_count, m.clicks_count]]));
    assert.deepEqual(status, {
      ann: ['delivered', 1, 1],
      bob: ['not_delivered', 0, 0],
      cat: ['delivered', 0, 0],
      dan: ['opted_out', 1, 0],
      eve: ['delivered', 0, 0],
    });
  });

  it('a status changes as events arrive: a spam complaint makes a delivered message opted_out', async () => {
    const r = await shared.call('POST', '/emulator/events', { type: 'spam', message_id: ids.cat });
    assert.equal(r.status, 200);
    const cat = await client().emailLogs.get(ids.cat);
    assert.equal(cat.status, 'opted_out');
    assert.deepEqual(cat.events!.map((e) => e.event_type), ['delivery', 'spam']);
  });

  it('get: every event in the email-logs shape (soft_bounce spelling, per-type details), with the SMTP headers kept', async () => {
    const ann = await client().emailLogs.get(ids.ann);
    assert.deepEqual(ann.events!.map((e) => e.event_type), ['delivery', 'open', 'click']);
    const [delivery, open, click] = ann.events!;
    assert.deepEqual(delivery.details, { sending_ip: '127.0.0.1', recipient_mx: 'gmail-smtp-in.l.google.com', email_service_provider: 'Google' });
    assert.equal(typeof (open.details as any).web_ip_address, 'string');
    assert.match((click.details as any).click_url, /^https:\/\/shop\.test\/start/);
    assert.ok(ann.events!.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e.created_at)));

    const bob = await client().emailLogs.get(ids.bob);
    assert.equal(bob.events![0].event_type, 'bounce');
    const bounce = bob.events![0].details as any;
    assert.equal(bounce.email_service_provider, 'Yahoo');
    assert.equal(bounce.bounce_category, 'badrecipient');
    assert.match(bounce.email_service_provider_response, /550/);

    const eve = await client().emailLogs.get(ids.eve);
    assert.equal(eve.events![0].event_type, 'soft_bounce');
    assert.equal(eve.events!.at(-1)!.event_type, 'delivery');
    assert.equal(eve.rfc_message_id, '<receipt-1@mailer.test>');
    assert.equal(eve.in_reply_to, '<order-1@mailer.test>');
    assert.deepEqual(eve.references, ['<order-1@mailer.test>']);
    assert.equal(eve.category, 'Receipts');
    assert.equal(eve.from, 'billing@mailer.test');
  });

  it('raw_message_url serves the message as sent (message/rfc822, tracked links), without the API token', async () => {
    const ann = await client().emailLogs.get(ids.ann);
    assert.ok(ann.raw_message_url!.startsWith(shared.emu.ready.http));
    assert.ok(!ann.raw_message_url!.includes(shared.emu.ready.token), 'the link does not carry the token');
    const res = await fetch(ann.raw_message_url!);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^message\/rfc822/);
    const raw = await res.text();
    assert.match(raw, /^Subject: Welcome aboard\r?$/m);
    assert.match(raw, new RegExp(`^Message-ID: <${ids.ann}@shop.test>\\r?$`, 'm'));
    assert.match(raw, /^From: Shop <app@shop\.test>\r?$/m);
    assert.match(raw, /\/t\/c\//, 'the HTML part has the tracked links');
    const eve = await client().emailLogs.get(ids.eve);
    const eveRaw = await (await fetch(eve.raw_message_url!)).text();
    assert.match(eveRaw, /^Message-ID: <receipt-1@mailer\.test>\r?$/m);
    assert.match(eveRaw, /^In-Reply-To: <order-1@mailer\.test>\r?$/m);
    assert.match(eveRaw, /Thanks for your order/);
    // Another message's id with this signature, or no signature at all: refused.
    const forged = ann.raw_message_url!.replace(ids.ann, ids.bob);
    assert.equal((await fetch(forged)).status, 401);
    assert.equal((await fetch(ann.raw_message_url!.replace(/\?.*$/, ''))).status, 401);
  });

  it('filters, as the SDK serializes them, select what was sent', async () => {
    const match = async (filters: EmailLogsListFilters) =>
      (await client().emailLogs.getList({ filters })).messages.map((m) => byId(m.message_id)).sort();
    const domains = (await shared.call('GET', '/api/domains')).json.data;
    const shop = domains.find((d: any) => d.domain_name === 'shop.test').id;
    assert.deepEqual(await match({ to: { operator: 'ci_contain', value: 'GMAIL' } }), ['ann']);
    // A value is matched as written: LIKE's wildcards and its escape character are no wildcards here.
    assert.deepEqual(await match({ to: { operator: 'ci_contain', value: '+B' } }), ['bob']);
    assert.deepEqual(await match({ to: { operator: 'ci_contain', value: '_' } }), []);
    assert.deepEqual(await match({ to: { operator: 'ci_contain', value: '%' } }), []);
    assert.deepEqual(await match({ to: { operator: 'ci_contain', value: '\\' } }), []);
    assert.deepEqual(await match({ to: { operator: 'ci_not_contain', value: '_' } }), ['ann', 'bob', 'cat', 'dan', 'eve']);
    assert.deepEqual(await match({ to: { operator: 'ci_not_contain', value: 'example.' } }), ['ann', 'bob', 'dan']);
    assert.deepEqual(await match({ subject: { operator: 'ci_contain', value: ['WELCOME', 'receipt'] } as any }), ['ann', 'bob', 'cat', 'eve']);
    assert.deepEqual(await match({ to: { operator: 'ci_equal', value: ['cat@example.com', 'bob+bounce@yahoo.com'] } }), ['bob', 'cat']);
    assert.deepEqual(await match({ from: { operator: 'ci_not_equal', value: 'app@shop.test' } }), ['dan', 'eve']);
    assert.deepEqual(await match({ subject: { operator: 'ci_contain', value: 'receipt' } }), ['eve']);
    assert.deepEqual(await match({ subject: { operator: 'not_empty' } }), ['ann', 'bob', 'cat', 'dan', 'eve']);
    assert.deepEqual(await match({ status: { operator: 'equal', value: 'not_delivered' } }), ['bob']);
    assert.deepEqual(await match({ status: { operator: 'not_equal', value: ['delivered', 'not_delivered'] } }), ['cat', 'dan']);
    assert.deepEqual(await match({ events: { operator: 'include_event', value: 'soft_bounce' } }), ['eve']);
    assert.deepEqual(await match({ events: { operator: 'not_include_event', value: ['delivery'] } }), ['bob']);
    assert.deepEqual(await match({ clicks_count: { operator: 'greater_than', value: 0 } }), ['ann']);
    assert.deepEqual(await match({ opens_count: { operator: 'equal', value: 1 } }), ['ann', 'dan']);
    assert.deepEqual(await match({ category: { operator: 'equal', value: ['Welcome', 'News'] } }), ['ann', 'bob', 'cat', 'dan']);
    assert.deepEqual(await match({ sending_stream: { operator: 'equal', value: 'bulk' } }), ['dan']);
    assert.deepEqual(await match({ sending_domain_id: { operator: 'equal', value: [shop] } }), ['ann', 'bob', 'cat', 'dan']);
    assert.deepEqual(await match({ email_service_provider: { operator: 'equal', value: 'Google' } }), ['ann']);
    assert.deepEqual(await match({ email_service_provider: { operator: 'equal', value: 'Other' } }), ['cat', 'eve']);
    assert.deepEqual(await match({ recipient_mx: { operator: 'ci_contain', value: 'yahoodns' } }), ['bob']);
    assert.deepEqual(await match({ email_service_provider_response: { operator: 'ci_contain', value: '550' } }), ['bob']);
    assert.deepEqual(await match({ sent_after: new Date(Date.now() + 365 * 86_400_000).toISOString() }), []);
    assert.deepEqual(await match({ sent_before: '2000-01-01T00:00:00Z' }), []);
    // Unknown filters and operators are ignored, as the spec says.
    assert.equal((await match({ to: { operator: 'sounds_like' as any, value: 'x' }, colour: 'blue' } as any)).length, 5);
    // The account-free generation answers the same filters with `domain_id`.
    const r = await shared.call('GET', `/api/email_logs?filters[domain_id][operator]=equal&filters[domain_id][value][]=${shop}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.total_count, 4);
    assert.equal(r.json.messages[0].domain_id, shop);
    assert.equal('sending_domain_id' in r.json.messages[0], false);
  });

  it('an unknown message is a 404, a bad token a 401, in the account APIs\' shape; a cursor that is not a message is a 400', async () => {
    await assert.rejects(client().emailLogs.get('00000000-0000-0000-0000-000000000000'), /Not Found/);
    const r = await shared.call('GET', '/api/accounts/1/email_logs/00000000-0000-0000-0000-000000000000');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'Not Found' });
    const bad = await shared.call('GET', '/api/accounts/1/email_logs?search_after=nope');
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.json.error, 'string');
    const anon = await fetch(`${shared.emu.ready.http}/api/accounts/1/email_logs`, { headers: { Authorization: 'Bearer wrong' } });
    assert.equal(anon.status, 401);
    assert.deepEqual(await anon.json(), { error: 'Incorrect API token' });
    await assert.rejects(emulatorClient(shared.emu.ready.http, 'wrong').emailLogs.getList(), /Incorrect API token/);
  });

  it('pages: search_after with next_page_cursor walks every match once, newest first, total_count on each page', async () => {
    const to = Array.from({ length: 60 }, (_, i) => ({ email: `reader${i}@example.net` }));
    const sent = await client().send({ from: { email: 'app@shop.test' }, to, subject: 'Paging', text: 'p', category: 'Paging' });
    const filters: EmailLogsListFilters = { category: { operator: 'equal', value: 'Paging' } };
    const first = await client().emailLogs.getList({ filters });
    assert.equal(first.total_count, 60);
    assert.equal(first.messages.length, 50);
    assert.equal(first.next_page_cursor, first.messages[49].message_id);
    const second = await client().emailLogs.getList({ filters, search_after: first.next_page_cursor! });
    assert.equal(second.total_count, 60);
    assert.equal(second.messages.length, 10);
    assert.equal(second.next_page_cursor, null);
    const seen = [...first.messages, ...second.messages].map((m) => m.message_id);
    // Recipients of one send share a time; newest first means the last recipient's message first.
    assert.deepEqual(seen, [...sent.message_ids].reverse());
  });
});
