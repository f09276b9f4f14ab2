/** The webview protocol on the host side: ready → init, ids matched, 422 field errors, events queued until ready. */
import '../../helpers/vscodeHook';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeWebview } from '../../helpers/fakeVscode';
import { api as rawApi, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { delivery, startFakeEmulator, type FakeEmulator } from '../../helpers/fakeEmulatorServer';
import { EmulatorApi } from '../../../src/emulator/apiClient';
import { SigningSecrets } from '../../../src/emulator/secrets';
import type { FormMethods, InspectorMethods } from '../../../src/protocol/messages';
import { formHandlers } from '../../../src/webviews/formPanel';
import { inspectorHandlers } from '../../../src/webviews/inspectorHandlers';
import { RpcHost } from '../../../src/webviews/rpcHost';

const tick = () => new Promise((r) => setTimeout(r, 0));
async function reply(w: FakeWebview, id: number) {
  for (let i = 0; i < 500 && !w.posted.some((m) => m.id === id); i++) await new Promise((r) => setTimeout(r, 5));
  return w.posted.find((m) => m.id === id);
}

describe('webview protocol (host side)', () => {
  let emu: RunningEmulator;
  let api: EmulatorApi;
  before(async () => {
    emu = await startEmulatorProcess();
    api = new EmulatorApi(emu.ready.http, emu.ready.token);
  });
  after(() => emu.stop());

  test('init answers ready; events pushed before ready arrive after init; a reload gets init again', async () => {
    const w = new FakeWebview();
    const rpc = new RpcHost<FormMethods, { early: number }>(w, formHandlers({ api, secrets: new SigningSecrets(undefined) }, () => {}, async () => {}), () => ({ hello: 1 }));
    rpc.push('early', 1);
    await tick();
    assert.deepEqual(w.posted, [], 'nothing before ready');
    w.send({ type: 'ready' });
    await reply(w, undefined as never);
    await tick();
    assert.deepEqual(w.posted, [{ type: 'init', data: { hello: 1 } }, { type: 'event', name: 'early', data: 1 }]);
    w.send({ type: 'ready' });
    await tick();
    assert.deepEqual(w.posted.at(-1), { type: 'init', data: { hello: 1 } });
    rpc.dispose();
  });

  test('a request gets exactly one response with its id; the emulator\'s 422 comes back as field errors', async () => {
    const w = new FakeWebview();
    new RpcHost<FormMethods>(w, formHandlers({ api, secrets: new SigningSecrets(undefined) }, () => {}, async () => {}), () => ({}));
    w.send({ type: 'ready' });
    w.send({ type: 'request', id: 7, method: 'domain.create', params: { domainName: 'proto.test' } });
    const ok = await reply(w, 7);
    assert.equal(ok.type, 'response');
    assert.equal(ok.result.domain_name, 'proto.test');
    w.send({ type: 'request', id: 8, method: 'domain.create', params: { domainName: 'proto.test' } });
    const dup = await reply(w, 8);
    assert.equal(dup.type, 'error');
    assert.deepEqual(dup.fields, { base: ['Validation failed: Domain name has already been taken'] });
    assert.equal(dup.message, 'Validation failed: Domain name has already been taken');
    assert.equal(w.posted.filter((m) => m.id === 7 || m.id === 8).length, 2);
  });

  test('webhook save: URL fields assembled, secret returned once and remembered; bad URL is a field error before any request', async () => {
    const w = new FakeWebview();
    const secrets = new SigningSecrets(undefined);
    new RpcHost<FormMethods>(w, formHandlers({ api, secrets }, () => {}, async () => {}), () => ({}));
    w.send({ type: 'ready' });
    const values = { url: 'https://hooks.example.com/mt', username: 'me', password: 'pw', token: 'tok', active: true, payload_format: 'jsonlines', sending_stream: 'bulk', domain_id: null, event_types: ['bounce', 'soft_bounce'] };
    w.send({ type: 'request', id: 1, method: 'webhook.save', params: values });
    const r = await reply(w, 1);
    assert.equal(r.type, 'response', JSON.stringify(r));
    const id = r.result.webhook.id;
    assert.equal(secrets.get(id), r.result.signingSecret);
    const stored = (await rawApi(emu.ready)('GET', `/api/webhooks/${id}`)).json.data;
    assert.equal(stored.url, 'https://me:pw@hooks.example.com/mt?token=tok');
    assert.deepEqual([stored.sending_stream, stored.payload_format, [...stored.event_types].sort()], ['bulk', 'jsonlines', ['bounce', 'soft_bounce']]);

    w.send({ type: 'request', id: 2, method: 'webhook.save', params: { ...values, url: 'ftp://nope' } });
    const bad = await reply(w, 2);
    assert.deepEqual([bad.type, bad.fields], ['error', { url: ['must start with http:// or https://'] }]);

    // Editing sends only the mutable fields (stream and domain are immutable in Mailtrap's API).
    w.send({ type: 'request', id: 3, method: 'webhook.save', params: { ...values, id, sending_stream: 'transactional', active: false, event_types: ['delivery'] } });
    const edited = await reply(w, 3);
    assert.equal(edited.type, 'response', JSON.stringify(edited));
    assert.deepEqual([edited.result.webhook.active, edited.result.webhook.sending_stream, edited.result.webhook.event_types], [false, 'bulk', ['delivery']]);
    assert.equal(edited.result.signingSecret, undefined);
  });

  test('unknown methods and malformed messages never crash the host', async () => {
    const w = new FakeWebview();
    new RpcHost<FormMethods>(w, formHandlers({ api, secrets: new SigningSecrets(undefined) }, () => {}, async () => {}), () => ({}));
    w.send(null);
    w.send('hello');
    w.send({ type: 'request', id: 'x', method: 'domain.create' });
    w.send({ type: 'request', id: 5, method: 'toString', params: {} });
    const r = await reply(w, 5);
    assert.deepEqual([r.type, r.message], ['error', 'unknown method toString']);
  });

  test('inspector requests map to the deliveries API; an emulator without it gives a clear error', async () => {
    const fakeEmu = await startFakeEmulator();
    try {
      fakeEmu.deliveries = [delivery(3), delivery(2), delivery(1)];
      let clip = '';
      const w = new FakeWebview();
      new RpcHost<InspectorMethods>(w, inspectorHandlers(() => new EmulatorApi(fakeEmu.url, fakeEmu.token), async (t) => void (clip = t)), () => ({}));
      w.send({ type: 'ready' });
      w.send({ type: 'request', id: 1, method: 'deliveries.list', params: { filter: { webhook_id: 1, event: 'bounce', search: 'u2@example.com' }, limit: 2 } });
      const page = await reply(w, 1);
      assert.deepEqual(page.result.data.map((d: { id: number }) => d.id), [3, 2]);
      const q = fakeEmu.requests.at(-1)!.query;
      assert.deepEqual([q.get('webhook_id'), q.get('event'), q.get('q'), q.get('limit')], ['1', 'bounce', 'u2@example.com', '2']);
      w.send({ type: 'request', id: 2, method: 'delivery.copyCurl', params: { id: 2 } });
      const copied = await reply(w, 2);
      assert.equal(copied.type, 'response');
      assert.match(copied.result.note, /^Copied as curl/);
      assert.match(clip, /^curl -X POST 'http:\/\/127\.0\.0\.1:9\/sink\/demo'[\s\S]*mailtrap-signature: sig2/);
      w.send({ type: 'request', id: 3, method: 'delivery.resend', params: { id: 2 } });
      const resent = await reply(w, 3);
      assert.equal(resent.type, 'response');
      assert.deepEqual([resent.result.id, resent.result.note], [999, 'Resent as batch #999: HTTP 200']);
      assert.ok(fakeEmu.requests.some((r) => r.method === 'POST' && r.path === '/emulator/deliveries/2/resend'));
      fakeEmu.missing = ['/emulator/deliveries'];
      w.send({ type: 'request', id: 9, method: 'deliveries.list', params: { filter: {} } });
      const r = await reply(w, 9);
      assert.equal(r.type, 'error');
      assert.match(r.message, /does not record deliveries yet/);
    } finally {
      await fakeEmu.close();
    }
  });
});
