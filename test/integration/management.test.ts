/** The official `mailtrap` client's sendingDomains and webhooks calls against the real emulator process. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulatorProcess } from '../helpers/emulatorProcess';
import { emulatorClient } from '../helpers/mailtrapClient';

const shared = useEmulatorProcess(['--memory']);


describe('sending domains through the official client', () => {
  it('create, getList, get, update, delete', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 424242 });
    const created = await client.sendingDomains.create({ domain_name: 'Example.COM' });
    assert.equal(created.domain_name, 'example.com');
    // A fresh domain, as Mailtrap answers one (see domainVerification.test.ts for the whole shape).
    assert.equal(created.compliance_status, 'unverified_dns');
    assert.equal(created.dns_verified, false);
    assert.ok(Array.isArray(created.dns_records) && created.dns_records.length > 0);
    assert.equal(created.open_tracking_enabled, true);

    const list = await client.sendingDomains.getList();
    assert.ok(list.data.some((d) => d.id === created.id));

    const got = await client.sendingDomains.get(created.id);
    assert.equal(got.domain_name, 'example.com');

    const updated = await client.sendingDomains.update(created.id, { open_tracking_enabled: false });
    assert.equal(updated.open_tracking_enabled, false);
    assert.equal((await client.sendingDomains.get(created.id)).open_tracking_enabled, false);

    await client.sendingDomains.delete(created.id);
    await assert.rejects(client.sendingDomains.get(created.id));
    const r = await shared.call('GET', `/api/domains/${created.id}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'Not Found' });
  });

  it('rejects a bad or duplicate domain name with 422 and field errors', async () => {
    let r = await shared.call('POST', '/api/accounts/1/sending_domains', { sending_domain: { domain_name: 'not a domain' } });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json, { errors: { base: ['Validation failed: Domain name is not a valid domain name, Tracking domain name is not a valid domain name'] } });
    r = await shared.call('POST', '/api/domains', { domain: { domain_name: 'dup.test' } });
    assert.equal(r.status, 200);
    r = await shared.call('POST', '/api/domains', { domain: { domain_name: 'dup.test' } });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json, { errors: { base: ['Validation failed: Domain name has already been taken'] } });
  });
});

describe('webhooks through the official client', () => {
  it('create (secret once), getList, get, update, delete', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 7 });
    const domain = await client.sendingDomains.create({ domain_name: 'hooks.test' });
    const created = await client.webhooks.create({
      url: 'https://user:pass@receiver.test/hook?token=abc',
      webhook_type: 'email_sending',
      sending_stream: 'transactional',
      event_types: ['delivery', 'bounce', 'soft_bounce'],
      domain_id: domain.id,
    });
    const w = created.data;
    assert.match(w.signing_secret, /^[0-9a-f]{32}$/);
    assert.equal(w.active, true);
    assert.equal(w.payload_format, 'json');
    assert.equal(w.domain_id, domain.id);
    assert.deepEqual(w.event_types, ['delivery', 'soft_bounce', 'bounce']);

    const list = await client.webhooks.getList();
    const listed = list.data.find((x) => x.id === w.id)!;
    assert.ok(listed);
    assert.equal('signing_secret' in listed, false, 'the secret is only in the create response');

    const got = await client.webhooks.get(w.id);
    assert.equal(got.data.url, 'https://user:pass@receiver.test/hook?token=abc');
    assert.equal('signing_secret' in got.data, false);

    const updated = await client.webhooks.update(w.id, { active: false, payload_format: 'jsonlines', event_types: ['open'] });
    assert.equal(updated.data.active, false);
    assert.equal(updated.data.payload_format, 'jsonlines');
    assert.deepEqual(updated.data.event_types, ['open']);

    const deleted = await client.webhooks.delete(w.id);
    assert.equal(deleted.data.id, w.id);
    const r = await shared.call('GET', `/api/accounts/7/webhooks/${w.id}`);
    assert.equal(r.status, 404);
  });

  it('validates with 422 and Mailtrap field errors', async () => {
    const base = { url: 'https://ok.test/h', webhook_type: 'email_sending', sending_stream: 'bulk', event_types: ['delivery'] };
    const cases: Array<[Record<string, unknown>, Record<string, string[]>]> = [
      [{ ...base, url: 'ftp://x.test/' }, { url: ['is invalid'] }],
      [{ ...base, url: 'not a url' }, { url: ['is invalid'] }],
      [{ ...base, url: `https://ok.test/${'a'.repeat(3000)}` }, { url: ['is too long (maximum is 2048 characters)'] }],
      [{ ...base, url: undefined }, { url: ["can't be blank", 'is invalid'] }],
      [{ ...base, sending_stream: undefined }, { sending_stream: ["can't be blank"] }],
      [{ ...base, sending_stream: 'marketing' }, { sending_stream: ['is not included in the list'] }],
      [{ ...base, event_types: ['delivery', 'spam'] }, { event_types: ['contains an invalid event type'] }],
      [{ ...base, domain_id: 999999 }, { domain_id: ['does not exist'] }],
      [{ ...base, payload_format: 'xml' }, { payload_format: ['is not included in the list'] }],
    ];
    for (const [webhook, errors] of cases) {
      const r = await shared.call('POST', '/api/webhooks', { webhook });
      assert.equal(r.status, 422, JSON.stringify(webhook));
      assert.deepEqual(r.json, { errors });
    }
  });

  it('keeps webhook_type, sending_stream and domain_id immutable', async () => {
    const r = await shared.call('POST', '/api/webhooks', {
      webhook: { url: 'http://127.0.0.1:9/h', webhook_type: 'email_sending', sending_stream: 'bulk', event_types: ['delivery'] },
    });
    const id = r.json.data.id;
    const p = await shared.call('PATCH', `/api/webhooks/${id}`, { webhook: { sending_stream: 'transactional' } });
    assert.equal(p.status, 422);
    assert.deepEqual(p.json, { errors: { sending_stream: ["can't be changed"] } });
    const same = await shared.call('PATCH', `/api/webhooks/${id}`, { webhook: { sending_stream: 'bulk', url: 'http://127.0.0.1:9/other' } });
    assert.equal(same.status, 200);
    assert.equal(same.json.data.url, 'http://127.0.0.1:9/other');
  });
});

describe('auth and bad input', () => {
  it('401 without a token or with a wrong one; Api-Token header works', async () => {
    for (const headers of [{ Authorization: '' }, { Authorization: 'Bearer wrong' }]) {
      const r = await fetch(`${shared.emu.ready.http}/api/webhooks`, { headers });
      assert.equal(r.status, 401);
      assert.deepEqual(await r.json(), { error: 'Incorrect API token' });
    }
    const ok = await fetch(`${shared.emu.ready.http}/api/webhooks`, { headers: { 'Api-Token': shared.emu.ready.token } });
    assert.equal(ok.status, 200);
  });

  it('malformed JSON is a 400 and the emulator stays up', async () => {
    const r = await shared.call('POST', '/api/webhooks', '{"webhook": {', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /Malformed JSON/);
    const missing = await shared.call('POST', '/api/webhooks', { hook: {} });
    assert.equal(missing.status, 400);
    const alive = await shared.call('GET', '/api/webhooks');
    assert.equal(alive.status, 200);
  });

  it('unknown ids and routes are 404', async () => {
    assert.equal((await shared.call('GET', '/api/webhooks/abc')).status, 404);
    assert.equal((await shared.call('DELETE', '/api/domains/123456')).status, 404);
    assert.equal((await shared.call('GET', '/api/nothing-here')).status, 404);
  });
});

describe('virtual clock API', () => {
  it('GET /emulator/clock and POST /emulator/clock/advance', async () => {
    const before = (await shared.call('GET', '/emulator/clock')).json;
    assert.equal(typeof before.now, 'number');
    const r = await shared.call('POST', '/emulator/clock/advance', { seconds: 3600 });
    assert.equal(r.status, 200);
    assert.ok(r.json.to - r.json.from === 3_600_000);
    const after = (await shared.call('GET', '/emulator/clock')).json;
    assert.ok(after.now - before.now >= 3_600_000);
    const bad = await shared.call('POST', '/emulator/clock/advance', { seconds: -5 });
    assert.equal(bad.status, 400);
  });
});
