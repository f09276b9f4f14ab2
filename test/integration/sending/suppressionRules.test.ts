/**
 * Suppressions as Mailtrap keeps them, over real sockets with the official client:
 * - which bounces suppress: mailtrap/mailtrap-docs documentation/email-api-smtp/bounce-categorization.md
 *   ("Adding to Suppressions": only timeout, badrecipient, overquota);
 * - one domain and one stream each (suppressions-list.md: "Add to stream … Bulk, Transactional, or Any");
 * - the API: mailtrap/mailtrap-openapi specs/email-sending.openapi.yml getSuppressions (email,
 *   last_id), createSuppression (201 `{"data":…}`, 422 wording), deleteSuppression, on /api/suppressions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);

async function suppressionsOf(email: string): Promise<any[]> {
  const r = await shared.call('GET', `/api/suppressions?email=${encodeURIComponent(email)}`);
  assert.equal(r.status, 200);
  return r.json;
}

describe('suppression rules', () => {
  for (const [tag, category, suppresses] of [
    ['bounce', 'badrecipient', true],
    ['bounce-overquota', 'overquota', true],
    ['bounce-timeout', 'timeout', true],
    ['bounce-block', 'block', false],
    ['bounce-spam', 'spam', false],
  ] as const) {
    it(`+${tag}: a ${category} bounce ${suppresses ? 'suppresses' : 'does not suppress'} the address`, async () => {
      const address = `cat+${tag}@example.net`;
      const first = await send(shared.call, mail({ from: { email: 'app@cat.test' }, to: [{ email: address }] }));
      await advance(shared.call, 10);
      const [bounce] = await eventsOf(shared.call, first.json.message_ids[0]);
      assert.equal(bounce.event, 'bounce');
      assert.equal(bounce.bounce_category, category);
      assert.equal(typeof bounce.response, 'string');
      assert.equal(typeof bounce.response_code, 'number');
      const list = await suppressionsOf(address);
      assert.equal(list.length, suppresses ? 1 : 0);
      if (suppresses) assert.deepEqual([list[0].type, list[0].message_bounce_category], ['hard bounce', category]);
      const again = await send(shared.call, mail({ from: { email: 'app@cat.test' }, to: [{ email: address }] }));
      await advance(shared.call, 10);
      const [next] = await eventsOf(shared.call, again.json.message_ids[0]);
      assert.equal(next.event, suppresses ? 'reject' : 'bounce');
    });
  }

  it('a suppression blocks only its stream: a bulk unsubscribe leaves transactional mail going', async () => {
    const address = 'reader+unsubscribe@example.net';
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { bulk: true });
    await client.send({ from: { email: 'news@streams.test' }, to: [{ email: address }], subject: 'News', text: 'n' });
    await advance(shared.call, 60);
    const [s] = await suppressionsOf(address);
    assert.deepEqual([s.type, s.sending_stream, s.domain_name], ['unsubscription', 'bulk', 'streams.test']);

    const bulk = await send(shared.call, mail({ from: { email: 'news@streams.test' }, to: [{ email: address }] }), '/bulk/api/send');
    const tx = await send(shared.call, mail({ from: { email: 'news@streams.test' }, to: [{ email: address }] }), '/api/send');
    await advance(shared.call, 60);
    assert.deepEqual((await eventsOf(shared.call, bulk.json.message_ids[0])).map((e) => e.event), ['reject']);
    assert.equal((await eventsOf(shared.call, tx.json.message_ids[0]))[0].event, 'delivery');
  });

  it('a manual "any" suppression (emulator route) blocks both streams; the API create takes only transactional or bulk', async () => {
    const domain = (await shared.call('POST', '/api/domains', { domain: { domain_name: 'any.test' } })).json;
    await shared.call('POST', `/emulator/domains/${domain.id}/verify`);
    const bad = await shared.call('POST', '/api/suppressions', { email: 'x@example.net', domain_id: domain.id, sending_stream: 'any' });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json, { errors: { sending_stream: ['is invalid. Allowed values: transactional, bulk.'] } });
    const made = await shared.call('POST', '/emulator/suppressions', { email: 'X@example.net', domain_id: domain.id, sending_stream: 'any' });
    assert.equal(made.status, 201);
    assert.equal(made.json.data.sending_stream, 'any');
    for (const path of ['/api/send', '/bulk/api/send']) {
      const r = await send(shared.call, mail({ from: { email: 'a@any.test' }, to: [{ email: 'x@example.net' }] }), path);
      await advance(shared.call, 5);
      const [e] = await eventsOf(shared.call, r.json.message_ids[0]);
      assert.deepEqual([e.event, e.reason], ['reject', 'Recipient in suppression list. Reason: manual import']);
    }
  });

  it('create answers 201 {"data":…} (the official client reads it); list honours email and the last_id cursor; both path generations', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 5 });
    const domain = await client.sendingDomains.create({ domain_name: 'pages.test' });
    const raw = await shared.call('POST', '/api/accounts/5/suppressions', { email: 'p0@example.net', domain_id: domain.id, sending_stream: 'transactional' });
    assert.equal(raw.status, 201);
    assert.equal(raw.json.data.type, 'manual import');
    const made = [raw.json.data.id];
    for (let i = 1; i < 4; i++) {
      const r = await client.suppressions.create({ email: `p${i}@example.net`, domain_id: domain.id, sending_stream: 'bulk' });
      made.push(r.data.id);
    }
    const all = (await shared.call('GET', '/api/suppressions')).json as any[];
    const ours = all.filter((s) => s.domain_name === 'pages.test').map((s) => s.id);
    assert.deepEqual(ours, [...made].reverse(), 'newest first');
    const afterSecond = (await shared.call('GET', `/api/suppressions?last_id=${ours[1]}`)).json as any[];
    assert.deepEqual(afterSecond.filter((s) => s.domain_name === 'pages.test').map((s) => s.id), ours.slice(2));
    assert.deepEqual((await client.suppressions.getList({ email: 'P2@example.net' })).map((s) => s.id), [made[2]]);
    const deleted = await shared.call('DELETE', `/api/suppressions/${made[0]}`);
    assert.deepEqual([deleted.status, deleted.json.id], [200, made[0]]);
    const missing = await shared.call('POST', '/api/suppressions', { sending_stream: 'transactional' });
    assert.deepEqual([missing.status, missing.json], [422, { errors: { email: ["can't be blank"], domain: ["can't be blank"] } }]);
  });
});
