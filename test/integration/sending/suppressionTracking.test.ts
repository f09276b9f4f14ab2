/** Suppressions and open/click tracking end to end over HTTP, against the real process. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);


describe('suppressions', () => {
  for (const [tag, type] of [
    ['unsubscribe', 'unsubscription'],
    ['bounce', 'hard bounce'],
    ['spam', 'spam complaint'],
  ] as const) {
    it(`after ${tag}, the address is suppressed for the domain; a later send is rejected with the reason; deleting lifts it`, async () => {
      const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 99 });
      const address = `reader+${tag}@example.net`;
      const first = await client.send({ from: { email: 'news@supp.test' }, to: [{ email: address }], subject: 'First', text: 'one' });
      await advance(shared.call, 60);

      const list = await client.suppressions.getList({ email: address });
      assert.equal(list.length, 1);
      const s = list[0];
      assert.equal(s.type, type);
      assert.equal(s.email, address);
      assert.equal(s.domain_name, 'supp.test');
      assert.equal(s.sending_stream, 'transactional');
      assert.equal(s.message_subject, 'First');
      assert.equal(s.message_sender_email, 'news@supp.test');
      assert.ok(!Number.isNaN(Date.parse(s.created_at)));

      const second = await client.send({ from: { email: 'news@supp.test' }, to: [{ email: address }], subject: 'Second', text: 'two' });
      await advance(shared.call, 60);
      const evs = await eventsOf(shared.call, second.message_ids[0]);
      assert.deepEqual(evs.map((e) => e.event), ['reject']);
      assert.equal(evs[0].reason, `Recipient in suppression list. Reason: ${type}`);
      assert.notEqual(second.message_ids[0], first.message_ids[0]);

      // Another domain may still send to the address (and its own lifecycle runs as tagged).
      const other = await send(shared.call, mail({ from: { email: 'x@other-supp.test' }, to: [{ email: address }] }));
      await advance(shared.call, 60);
      assert.notEqual((await eventsOf(shared.call, other.json.message_ids[0]))[0].event, 'reject');

      await client.suppressions.delete(s.id);
      const left = await client.suppressions.getList({ email: address });
      assert.deepEqual(left.map((x) => x.domain_name), ['other-supp.test']);
      const third = await send(shared.call, mail({ from: { email: 'news@supp.test' }, to: [{ email: 'plain-again@example.net' }], bcc: [{ email: address }] }));
      await advance(shared.call, 5);
      const [e] = await eventsOf(shared.call, third.json.message_ids[1]);
      assert.notEqual(e.event, 'reject');
    });
  }

  it('deleting an unknown suppression is a 404 in Mailtrap\'s shape', async () => {
    const r = await shared.call('DELETE', '/api/accounts/1/suppressions/00000000-0000-0000-0000-000000000000');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'Not Found' });
  });
});

describe('tracking', () => {
  const html = '<html><body><p>Hi <a href="https://shop.test/offer?id=1&amp;ref=mail">offer</a> and <a href="mailto:help@shop.test">help</a></p></body></html>';

  it('the stored HTML has a pixel and rewritten links; fetching them records open and click with the requester\'s IP and UA; click redirects', async () => {
    const r = await send(shared.call, mail({ from: { email: 'app@track.test' }, to: [{ email: 'reader@example.net' }], html }));
    const id = r.json.message_ids[0];
    const m = (await shared.call('GET', `/emulator/messages/${id}`)).json;
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+)"/.exec(m.html)?.[1];
    const link = /<a href="([^"]+\/t\/c\/[^"]+)"/.exec(m.html)?.[1];
    assert.ok(pixel && pixel.startsWith(shared.emu.ready.http), m.html);
    assert.ok(link && link.startsWith(shared.emu.ready.http), m.html);
    assert.match(m.html, /href="mailto:help@shop.test"/, 'non-http links are left alone');
    assert.ok(m.html.indexOf('<img') < m.html.indexOf('</body>'));

    // No token: tracking links are what a mail client fetches.
    const ua = 'TestMailClient/1.0 (tracking test)';
    const px = await fetch(pixel, { headers: { 'User-Agent': ua } });
    assert.equal(px.status, 200);
    assert.equal(px.headers.get('content-type'), 'image/gif');
    assert.equal((await px.arrayBuffer()).byteLength > 20, true);
    const click = await fetch(link, { headers: { 'User-Agent': ua }, redirect: 'manual' });
    assert.equal(click.status, 302);
    assert.equal(click.headers.get('location'), 'https://shop.test/offer?id=1&ref=mail');

    const evs = (await eventsOf(shared.call, id)).filter((e) => e.event !== 'delivery');
    assert.deepEqual(evs.map((e) => e.event), ['open', 'click']);
    for (const e of evs) {
      assert.equal(e.ip, '127.0.0.1');
      assert.equal(e.user_agent, ua);
    }
    assert.equal(evs[1].url, 'https://shop.test/offer?id=1&ref=mail');
  });

  it('the browser view: /emulator/messages/{id}/html?token=… serves the tracked HTML sandboxed; without the token 401', async () => {
    const r = await send(shared.call, mail({ from: { email: 'app@track.test' }, html }));
    const id = r.json.message_ids[0];
    const page = await fetch(`${shared.emu.ready.http}/emulator/messages/${id}/html?token=${shared.emu.ready.token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /sandbox/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
    assert.match(await page.text(), /\/t\/o\//);
    const anon = await fetch(`${shared.emu.ready.http}/emulator/messages/${id}/html`);
    assert.equal(anon.status, 401);
    const wrong = await fetch(`${shared.emu.ready.http}/emulator/messages/${id}/html?token=nope`);
    assert.equal(wrong.status, 401);
  });

  it('with tracking off for the domain, HTML is stored untouched and hits record nothing', async () => {
    const d = await shared.call('POST', '/api/domains', { domain: { domain_name: 'notrack.test' } });
    await shared.call('PATCH', `/api/domains/${d.json.id}`, { domain: { open_tracking_enabled: false, click_tracking_enabled: false } });
    await shared.call('POST', `/emulator/domains/${d.json.id}/verify`); // an API-created domain starts unverified
    const r = await send(shared.call, mail({ from: { email: 'app@notrack.test' }, html }));
    const id = r.json.message_ids[0];
    const m = (await shared.call('GET', `/emulator/messages/${id}`)).json;
    assert.equal(m.html, html);
    const px = await fetch(`${shared.emu.ready.http}/t/o/${id}`);
    assert.equal(px.status, 200);
    const click = await fetch(`${shared.emu.ready.http}/t/c/${id}.0`, { redirect: 'manual' });
    assert.equal(click.status, 404);
    await advance(shared.call, 5);
    assert.deepEqual((await eventsOf(shared.call, id)).map((e) => e.event), ['delivery']);
  });

  it('unknown tracking tokens: pixel still a GIF, link 404, nothing recorded', async () => {
    const before = (await shared.call('GET', '/emulator/events?limit=1')).json.total;
    assert.equal((await fetch(`${shared.emu.ready.http}/t/o/not-a-message`)).status, 200);
    assert.equal((await fetch(`${shared.emu.ready.http}/t/c/garbage`, { redirect: 'manual' })).status, 404);
    assert.equal((await shared.call('GET', '/emulator/events?limit=1')).json.total, before);
  });
});
