/**
 * Every event type on demand, its payload checked field by field against Mailtrap's webhook docs:
 * the common fields (event, message_id, event_id, timestamp, email, sending_stream,
 * sending_domain_name, category, custom_variables) plus exactly the type's own fields, nothing
 * null, timestamps on the virtual clock at the lifecycle's offsets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COMMON = ['event', 'message_id', 'event_id', 'timestamp', 'email', 'sending_stream', 'sending_domain_name', 'category', 'custom_variables'];
const BOUNCE_CATEGORIES = ['transientfail', 'greylisting', 'badsender', 'block', 'content', 'dnsFail', 'generalfail', 'other', 'relayfail', 'serverfail', 'spam', 'verifyfail', 'timeout', 'badrecipient', 'overquota', 'serverpolicy', 'spam_gmail'];


/** Sends to `address`, runs the clock past the lifecycle, returns the events and the send time (ms). */
async function lifecycle(address: string, html?: string) {
  const r = await send(shared.call, mail({ to: [{ email: address }], category: 'Onboarding', custom_variables: { user_id: '7', plan: 'pro' }, ...(html ? { html } : {}) }));
  assert.equal(r.status, 200, r.text);
  const id = r.json.message_ids[0];
  const sentAt = (await shared.call('GET', `/emulator/messages/${id}`)).json.createdAt as number;
  await advance(shared.call, 120);
  return { id, sentAt, events: await eventsOf(shared.call, id) };
}

function checkCommon(e: any, id: string, address: string, type: string, extra: string[]) {
  assert.deepEqual(Object.keys(e).sort(), [...COMMON, ...extra].sort(), `fields of ${type}`);
  assert.equal(e.event, type);
  assert.equal(e.message_id, id);
  assert.match(e.event_id, UUID);
  assert.equal(e.email, address);
  assert.equal(e.sending_stream, 'transactional');
  assert.equal(e.sending_domain_name, 'shop.test');
  assert.equal(e.category, 'Onboarding');
  assert.deepEqual(e.custom_variables, { user_id: '7', plan: 'pro' });
  assert.ok(Number.isInteger(e.timestamp));
  for (const [k, v] of Object.entries(e)) assert.notEqual(v, null, `${k} is not null`);
}

const at = (sentAt: number, seconds: number) => Math.floor((sentAt + seconds * 1000) / 1000);

describe('event payloads, one test per type', () => {
  it('delivery', async () => {
    const { id, sentAt, events } = await lifecycle('plain@example.net');
    assert.deepEqual(events.map((e) => e.event), ['delivery']);
    checkCommon(events[0], id, 'plain@example.net', 'delivery', []);
    assert.equal(events[0].timestamp, at(sentAt, 2));
  });

  it('bounce (+bounce): 550, badrecipient, a response text', async () => {
    const { id, sentAt, events } = await lifecycle('ann+bounce@example.net');
    assert.deepEqual(events.map((e) => e.event), ['bounce']);
    const e = events[0];
    checkCommon(e, id, 'ann+bounce@example.net', 'bounce', ['response', 'response_code', 'bounce_category']);
    assert.equal(e.response_code, 550);
    assert.equal(e.bounce_category, 'badrecipient');
    assert.ok(BOUNCE_CATEGORIES.includes(e.bounce_category));
    assert.match(e.response, /^550 5\.1\.1 /);
    assert.equal(e.timestamp, at(sentAt, 3));
  });

  it('soft bounce (+soft-bounce): 451 greylisting, then delivery a virtual minute later', async () => {
    const { id, sentAt, events } = await lifecycle('ann+soft-bounce@example.net');
    assert.deepEqual(events.map((e) => e.event), ['soft bounce', 'delivery']);
    const e = events[0];
    checkCommon(e, id, 'ann+soft-bounce@example.net', 'soft bounce', ['response', 'response_code', 'bounce_category']);
    assert.equal(e.response_code, 451);
    assert.equal(e.bounce_category, 'greylisting');
    assert.match(e.response, /^451 4\.7\.1 /);
    assert.equal(events[1].timestamp - e.timestamp, 60);
    assert.equal(e.timestamp, at(sentAt, 3));
    checkCommon(events[1], id, 'ann+soft-bounce@example.net', 'delivery', []);
  });

  it('reject (+reject): a reason', async () => {
    const { id, events } = await lifecycle('ann+reject@example.net');
    assert.deepEqual(events.map((e) => e.event), ['reject']);
    checkCommon(events[0], id, 'ann+reject@example.net', 'reject', ['reason']);
    assert.equal(typeof events[0].reason, 'string');
    assert.ok(events[0].reason.length > 0);
  });

  it('suspension (+suspension): a reason', async () => {
    const { id, events } = await lifecycle('ann+suspension@example.net');
    assert.deepEqual(events.map((e) => e.event), ['suspension']);
    checkCommon(events[0], id, 'ann+suspension@example.net', 'suspension', ['reason']);
    assert.ok(events[0].reason.length > 0);
  });

  it('open (+open): delivery, then open with ip and user_agent', async () => {
    const { id, sentAt, events } = await lifecycle('ann+open@example.net');
    assert.deepEqual(events.map((e) => e.event), ['delivery', 'open']);
    const e = events[1];
    checkCommon(e, id, 'ann+open@example.net', 'open', ['ip', 'user_agent']);
    assert.match(e.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(e.user_agent, /^Mozilla\/5\.0 /);
    assert.ok(e.timestamp > events[0].timestamp);
    assert.equal(e.timestamp, at(sentAt, 12));
  });

  it('click (+click): delivery, open, click with ip, user_agent and the first link as url', async () => {
    const { id, events } = await lifecycle('ann+click@example.net', '<p><a href="https://shop.test/welcome?x=1&amp;y=2">Start</a></p>');
    assert.deepEqual(events.map((e) => e.event), ['delivery', 'open', 'click']);
    const e = events[2];
    checkCommon(e, id, 'ann+click@example.net', 'click', ['ip', 'user_agent', 'url']);
    assert.equal(e.url, 'https://shop.test/welcome?x=1&y=2');
    assert.equal(e.ip, events[1].ip, 'the same reader opens and clicks');
  });

  it('unsubscribe (+unsubscribe): delivery, open, unsubscribe with ip and user_agent', async () => {
    const { id, events } = await lifecycle('ann+unsubscribe@example.net');
    assert.deepEqual(events.map((e) => e.event), ['delivery', 'open', 'unsubscribe']);
    checkCommon(events[2], id, 'ann+unsubscribe@example.net', 'unsubscribe', ['ip', 'user_agent']);
  });

  it('spam (+spam): delivery, then spam with only the common fields', async () => {
    const { id, events } = await lifecycle('ann+spam@example.net');
    assert.deepEqual(events.map((e) => e.event), ['delivery', 'spam']);
    checkCommon(events[1], id, 'ann+spam@example.net', 'spam', []);
  });

  it('the whole local part picks a scenario too, and absent category/custom_variables are omitted', async () => {
    const r = await send(shared.call, mail({ to: [{ email: 'bounce@example.org' }] }));
    await advance(shared.call, 10);
    const [e] = await eventsOf(shared.call, r.json.message_ids[0]);
    assert.equal(e.event, 'bounce');
    assert.equal('category' in e, false);
    assert.equal('custom_variables' in e, false);
  });
});

describe('trigger: POST /emulator/events', () => {
  it('creates any type for a message id, with overrides; events list filters by type (either spelling)', async () => {
    const r = await send(shared.call, mail({ to: [{ email: 'trig@example.net' }], category: 'Cat' }));
    const id = r.json.message_ids[0];
    const t = await shared.call('POST', '/emulator/events', { type: 'spam_complaint', message_id: id, overrides: { category: 'Changed', custom_variables: { a: 1 } } });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.data.event, 'spam');
    assert.equal(t.json.data.message_id, id);
    assert.equal(t.json.data.category, 'Changed');
    assert.deepEqual(t.json.data.custom_variables, { a: 1 });
    const b = await shared.call('POST', '/emulator/events', { type: 'soft bounce', message_id: id, overrides: { bounce_category: 'overquota', response_code: 452 } });
    assert.equal(b.json.data.bounce_category, 'overquota');
    assert.equal(b.json.data.response_code, 452);
    for (const type of ['spam', 'spam_complaint']) {
      const list = await shared.call('GET', `/emulator/events?type=${type}&message_id=${id}`);
      assert.deepEqual(list.json.data.map((e: any) => e.payload.event_id), [t.json.data.event_id]);
    }
  });

  it('creates an event for an address never sent to; null removes an optional field', async () => {
    const t = await shared.call('POST', '/emulator/events', { type: 'click', email: 'stranger@example.net', overrides: { url: 'https://x.test/a', user_agent: null } });
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.data.email, 'stranger@example.net');
    assert.equal(t.json.data.url, 'https://x.test/a');
    assert.equal('user_agent' in t.json.data, false);
    const list = await shared.call('GET', '/emulator/events?email=stranger@example.net');
    assert.equal(list.json.total, 1);
  });

  it('bad trigger input → clear 400 or 404', async () => {
    let r = await shared.call('POST', '/emulator/events', { type: 'explode', email: 'a@example.net' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /'type' must be one of/);
    r = await shared.call('POST', '/emulator/events', { type: 'open' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /'message_id' or 'email' is required/);
    r = await shared.call('POST', '/emulator/events', { type: 'open', email: 'a@example.net', overrides: { colour: 'red', timestamp: 'soon' } });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /'overrides.colour' is not an overridable field/);
    assert.match(r.json.error, /'overrides.timestamp' must be a number/);
    r = await shared.call('POST', '/emulator/events', { type: 'open', message_id: '00000000-0000-0000-0000-000000000000' });
    assert.equal(r.status, 404);
    r = await shared.call('GET', '/emulator/events?limit=0');
    assert.equal(r.status, 400);
  });
});
