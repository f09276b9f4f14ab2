/**
 * Stats through the official `mailtrap` client (`client.stats`), against the real process: a known
 * mix sent by API and SMTP, the clock advanced, then counts, rates, groups and filters.
 * Shapes and rates: `mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`
 * (`getAccountSendingStats…`, `SendingStats`), `mailtrap/mailtrap-docs` `analytics/dashboard.md`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { smtpTransport, useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance } from '../../helpers/sending';

// A nearly stopped clock: only the tests' advances run lifecycles, however slow the machine.
const shared = useEmulatorProcess(['--memory', '--time-scale', '0.000001']);
const client = () => emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
const ALL_TIME = { start_date: '2000-01-01', end_date: '2100-12-31' };
let domainIds: Record<string, number> = {};
let sentDates: string[] = [];

async function sendMix() {
  const c = client();
  // shop.test, transactional, "Welcome": four Gmail recipients.
  await c.send({
    from: { email: 'app@shop.test' },
    to: [{ email: 'a+click@gmail.com' }, { email: 'b+open@gmail.com' }, { email: 'c@gmail.com' }, { email: 'd+spam@gmail.com' }],
    subject: 'Welcome',
    html: '<a href="https://shop.test">Shop</a>',
    category: 'Welcome',
  });
  // billing.test, transactional, "Receipts": two Yahoo recipients, one bounces.
  await c.send({ from: { email: 'pay@billing.test' }, to: [{ email: 'e+bounce@yahoo.com' }, { email: 'f@yahoo.com' }], subject: 'Receipt', text: 'r', category: 'Receipts' });
  // shop.test, bulk, "News": Outlook, opens and unsubscribes.
  await emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { bulk: true }).send({
    from: { email: 'news@shop.test' },
    to: [{ email: 'g+unsubscribe@outlook.com' }],
    subject: 'News',
    text: 'n',
    category: 'News',
  });
  // SMTP, shop.test, no category: a company domain (provider "Other").
  const smtp = smtpTransport(shared.emu.ready);
  await smtp.sendMail({ from: 'app@shop.test', to: 'h@example.com', subject: 'Hi', text: 'h' });
  smtp.close();
  await advance(shared.call, 600);
  domainIds = Object.fromEntries((await shared.call('GET', '/api/domains')).json.data.map((d: any) => [d.domain_name, d.id]));
  sentDates = [...new Set((await c.emailLogs.getList()).messages.map((m) => m.sent_at.slice(0, 10)))].sort();
}

const stats = (delivery: number, bounce: number, open: number, click: number, spam: number) => {
  const rate = (n: number, of: number) => (of ? Math.round((n / of) * 100) / 100 : 0);
  return {
    delivery_count: delivery,
    delivery_rate: rate(delivery, delivery + bounce),
    bounce_count: bounce,
    bounce_rate: rate(bounce, delivery + bounce),
    open_count: open,
    open_rate: rate(open, delivery),
    click_count: click,
    click_rate: rate(click, delivery),
    spam_count: spam,
    spam_rate: rate(spam, delivery),
  };
};

describe('stats: a known mix through client.stats', () => {
  before(sendMix);

  it('totals: messages delivered, bounced, opened, clicked and complained about, with the spec\'s rates', async () => {
    // 7 delivered, 1 bounced; unique opens: click, open, unsubscribe lifecycles; 1 click; 1 spam.
    const s = await client().stats.get(ALL_TIME);
    assert.deepEqual(s, stats(7, 1, 3, 1, 1));
    assert.deepEqual(
      [s.delivery_rate, s.bounce_rate, s.open_rate, s.click_rate, s.spam_rate],
      [0.88, 0.13, 0.43, 0.14, 0.14],
    );
  });

  it('by domain, by category, by email service provider (inferred from the recipient\'s domain) and by date', async () => {
    const c = client();
    const byDomain = await c.stats.byDomain(ALL_TIME);
    assert.deepEqual(
      byDomain.map((g) => [g.name, g.value, g.stats]),
      [
        ['sending_domain_id', domainIds['billing.test'], stats(1, 1, 0, 0, 0)],
        ['sending_domain_id', domainIds['shop.test'], stats(6, 0, 3, 1, 1)],
      ],
    );
    const byCategory = await c.stats.byCategory(ALL_TIME);
    assert.deepEqual(
      byCategory.map((g) => [g.value, g.stats]),
      [
        ['News', stats(1, 0, 1, 0, 0)],
        ['Receipts', stats(1, 1, 0, 0, 0)],
        ['Welcome', stats(4, 0, 2, 1, 1)],
      ],
    );
    const byProvider = await c.stats.byEmailServiceProvider(ALL_TIME);
    assert.deepEqual(
      byProvider.map((g) => [g.name, g.value, g.stats]),
      [
        ['email_service_provider', 'Google', stats(4, 0, 2, 1, 1)],
        ['email_service_provider', 'Other', stats(1, 0, 0, 0, 0)],
        ['email_service_provider', 'Outlook', stats(1, 0, 1, 0, 0)],
        ['email_service_provider', 'Yahoo', stats(1, 1, 0, 0, 0)],
      ],
    );
    const byDate = await c.stats.byDate(ALL_TIME);
    assert.deepEqual(byDate.map((g) => g.value), sentDates);
    const sum = byDate.reduce((n, g) => n + g.stats.delivery_count, 0);
    assert.equal(sum, 7);
  });

  it('filters: domains, streams, categories, providers and the date range', async () => {
    const c = client();
    assert.deepEqual(await c.stats.get({ ...ALL_TIME, sending_domain_ids: [domainIds['billing.test']] }), stats(1, 1, 0, 0, 0));
    assert.deepEqual(await c.stats.get({ ...ALL_TIME, sending_streams: ['bulk'] }), stats(1, 0, 1, 0, 0));
    assert.deepEqual(await c.stats.get({ ...ALL_TIME, categories: ['Welcome', 'News'] }), stats(5, 0, 3, 1, 1));
    assert.deepEqual(await c.stats.get({ ...ALL_TIME, email_service_providers: ['Google', 'Yahoo'] }), stats(5, 1, 2, 1, 1));
    assert.deepEqual(
      (await c.stats.byCategory({ ...ALL_TIME, sending_domain_ids: [domainIds['shop.test']], sending_streams: ['transactional'] })).map((g) => g.value),
      ['Welcome'],
    );
    // Days before the first send and after the last: nothing.
    assert.deepEqual(await c.stats.get({ start_date: '2000-01-01', end_date: '2000-01-31' }), stats(0, 0, 0, 0, 0));
    const day = sentDates[0];
    assert.equal((await c.stats.get({ start_date: day, end_date: sentDates.at(-1)! })).delivery_count, 7);
  });

  it('the account-free generation says domain_id; bad parameters are a 400 in the account APIs\' shape', async () => {
    const r = await shared.call('GET', `/api/stats/domains?start_date=2000-01-01&end_date=2100-01-01&domain_ids[]=${domainIds['shop.test']}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, [{ domain_id: domainIds['shop.test'], stats: stats(6, 0, 3, 1, 1) }]);
    const missing = await shared.call('GET', '/api/accounts/1/stats?end_date=2026-01-31');
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { error: 'Missing required parameter: start_date' });
    const bad = await shared.call('GET', '/api/accounts/1/stats?start_date=2026-02-30&end_date=2026-03-01');
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.json.error, 'string');
    const stream = await shared.call('GET', '/api/stats?start_date=2026-01-01&end_date=2026-03-01&sending_streams[]=marketing');
    assert.equal(stream.status, 400);
  });
});

describe('stats: a message counts on the UTC day it was sent', () => {
  const own = useEmulatorProcess(['--memory', '--time-scale', '0.000001']);

  // The day is the query's own arithmetic (a day number a message), not SQLite's date(): sends a
  // second before and just after a UTC midnight, checked against the days Email Logs give them.
  it('either side of midnight: two days, each with its own messages, by date and by range', async () => {
    const c = emulatorClient(own.emu.ready.http, own.emu.ready.token);
    const now = (await own.call('GET', '/emulator/clock')).json.now as number;
    const midnight = Math.ceil((now + 60_000) / 86_400_000) * 86_400_000;
    await advance(own.call, (midnight - 1_000 - now) / 1000);
    await c.send({ from: { email: 'app@shop.test' }, to: [{ email: 'late@gmail.com' }], subject: 'late', text: 'l' });
    await advance(own.call, 2);
    await c.send({ from: { email: 'app@shop.test' }, to: [{ email: 'early1@gmail.com' }, { email: 'early2@gmail.com' }], subject: 'early', text: 'e' });
    await advance(own.call, 600);
    const sent = new Map((await c.emailLogs.getList()).messages.map((m) => [m.to, m.sent_at.slice(0, 10)]));
    const before = new Date(midnight - 1).toISOString().slice(0, 10);
    const after = new Date(midnight).toISOString().slice(0, 10);
    assert.deepEqual([sent.get('late@gmail.com'), sent.get('early1@gmail.com'), sent.get('early2@gmail.com')], [before, after, after]);
    const byDate = await c.stats.byDate({ start_date: '2000-01-01', end_date: '2100-12-31' });
    assert.deepEqual(
      byDate.map((g) => [g.value, g.stats.delivery_count]),
      [
        [before, 1],
        [after, 2],
      ],
    );
    assert.equal((await c.stats.get({ start_date: before, end_date: before })).delivery_count, 1);
    assert.equal((await c.stats.get({ start_date: after, end_date: after })).delivery_count, 2);
  });
});
