/** The Send and Batch APIs through the official `mailtrap` client and raw HTTP, against the real process. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * Mailtrap's message ids are time-based (version 1) UUIDs: the send's millisecond, a counter, a
 * node id (mailtrap/mailtrap-ruby spec/fixtures/vcr_cassettes/Mailtrap_Client/_send_batch/…:
 * `17287920-571a-11f0-0040-f13664d022fb`, `17287920-571a-11f0-0041-f13664d022fb`).
 */
const V1 = /^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const msOfV1 = (id: string) => {
  const [, low, mid, hi] = V1.exec(id)!;
  return Number((BigInt(`0x${hi}${mid}${low}`) - 122_192_928_000_000_000n) / 10_000n);
};


describe('send through the official client', () => {
  it('transactional send: one message id per recipient in to, cc, bcc order, each delivered on the virtual clock', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
    const before = (await shared.call('GET', '/emulator/clock')).json.now as number;
    const res = await client.send({
      from: { email: 'hello@client.test', name: 'Client' },
      to: [{ email: 'to1@example.net' }, { email: 'to2@example.net' }],
      cc: [{ email: 'cc@example.net' }],
      bcc: [{ email: 'bcc@example.net' }],
      subject: 'Welcome',
      text: 'Welcome aboard',
      category: 'Welcome',
      custom_variables: { user_id: 42 },
      attachments: [{ filename: 'note.txt', content: Buffer.from('attached bytes'), type: 'text/plain' }],
    });
    assert.equal(res.success, true);
    assert.equal(res.message_ids.length, 4);
    res.message_ids.forEach((id) => assert.match(id, UUID));
    // Time-based as Mailtrap's: one timestamp for the request, on the emulator's clock; the ids differ in their counter and share the node.
    const after = (await shared.call('GET', '/emulator/clock')).json.now as number;
    res.message_ids.forEach((id) => assert.match(id, V1));
    const sentAt = msOfV1(res.message_ids[0]);
    assert.ok(sentAt >= before && sentAt <= after, `${sentAt} within [${before}, ${after}]`);
    assert.deepEqual(res.message_ids.map(msOfV1), [sentAt, sentAt, sentAt, sentAt]);
    assert.equal(new Set(res.message_ids.map((id) => V1.exec(id)![4])).size, 4);
    assert.equal(new Set(res.message_ids.map((id) => V1.exec(id)![5])).size, 1);

    const msgs = await Promise.all(res.message_ids.map((id) => shared.call('GET', `/emulator/messages/${id}`)));
    assert.deepEqual(
      msgs.map((m) => m.json.recipients[0]),
      ['to1@example.net', 'to2@example.net', 'cc@example.net', 'bcc@example.net'],
    );
    const m = msgs[0].json;
    assert.equal(m.stream, 'transactional');
    assert.equal(m.subject, 'Welcome');
    assert.equal(m.text, 'Welcome aboard');
    assert.equal(m.category, 'Welcome');
    assert.deepEqual(m.customVariables, { user_id: 42 });
    assert.deepEqual(m.attachments, [{ filename: 'note.txt', type: 'text/plain', size: 'attached bytes'.length }]);
    // The stored bytes come back in the message's .eml (email logs' raw download).
    const raw = await shared.call('GET', `/emulator/email_logs/${res.message_ids[0]}/raw`);
    assert.equal(raw.status, 200);
    assert.ok(raw.text.replace(/\r?\n/g, '').includes(Buffer.from('attached bytes').toString('base64')), raw.text);

    await advance(shared.call, 10);
    for (const id of res.message_ids) {
      const evs = await eventsOf(shared.call, id);
      assert.deepEqual(evs.map((e) => e.event), ['delivery']);
      assert.equal(evs[0].sending_stream, 'transactional');
      assert.equal(evs[0].sending_domain_name, 'client.test');
    }
    // The sender's domain was created on first use.
    const domains = await shared.call('GET', '/api/domains');
    assert.ok(domains.json.data.some((d: any) => d.domain_name === 'client.test'));
  });

  it('bulk: send and batchSend go to /bulk and their events say sending_stream bulk', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { bulk: true });
    const one = await client.send({ from: { email: 'news@bulk.test' }, to: [{ email: 'reader@example.net' }], subject: 'News', html: '<p>News</p>' });
    assert.equal(one.message_ids.length, 1);
    const batch = await client.batchSend({
      base: { from: { email: 'news@bulk.test' }, subject: 'Digest', text: 'Weekly digest' },
      requests: [{ to: [{ email: 'r1@example.net' }] }, { to: [{ email: 'r2@example.net' }, { email: 'r3@example.net' }] }],
    });
    assert.equal(batch.success, true);
    assert.equal(batch.responses.length, 2);
    assert.equal(batch.responses[1].message_ids!.length, 2);
    await advance(shared.call, 10);
    const ids = [one.message_ids[0], ...batch.responses.flatMap((r) => r.message_ids!)];
    for (const id of ids) {
      const [e] = await eventsOf(shared.call, id);
      assert.equal(e.event, 'delivery');
      assert.equal(e.sending_stream, 'bulk');
    }
    const msg = await shared.call('GET', `/emulator/messages/${ids[1]}`);
    assert.equal(msg.json.stream, 'bulk');
    assert.equal(msg.json.subject, 'Digest');
  });

  it('transactional batchSend: always 200, per-request success or Mailtrap errors; requests merge over base', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
    const res = await client.batchSend({
      base: { from: { email: 'batch@client.test' }, subject: 'Base subject', text: 'Base text', category: 'Base' },
      requests: [
        { to: [{ email: 'a@example.net' }], subject: 'Own subject' },
        { to: [] as { email: string }[] },
        { to: [{ email: 'not-an-address' }] },
      ],
    });
    assert.equal(res.success, true);
    assert.equal(res.responses[0].success, true);
    assert.deepEqual(res.responses[1], { success: false, errors: ["'to', 'cc' or 'bcc' address is required"] });
    assert.deepEqual(res.responses[2], { success: false, errors: ["'to' address 'not-an-address' is invalid"] });
    const m = await shared.call('GET', `/emulator/messages/${res.responses[0].message_ids![0]}`);
    assert.equal(m.json.subject, 'Own subject');
    assert.equal(m.json.category, 'Base');
  });

  it('a bad request through the client rejects with Mailtrap\'s error text', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
    await assert.rejects(
      client.send({ from: { email: 'x@client.test' }, to: [{ email: 'a@example.net' }], subject: 'No body' } as any),
      /must specify either text or html body/,
    );
  });
});

describe('bad input gets a clear error and the emulator stays up', () => {
  const cases: [string, unknown, string[]][] = [
    ['missing from', mail({ from: undefined }), ["'from' is required"]],
    ['no recipients', mail({ to: [] }), ["'to', 'cc' or 'bcc' address is required"]],
    ['missing subject', mail({ subject: undefined }), ["'subject' is required"]],
    ['no body', mail({ text: undefined }), ['must specify either text or html body']],
    ['invalid address', mail({ to: [{ email: 'nobody' }] }), ["'to' address 'nobody' is invalid"]],
    ['invalid from address', mail({ from: { email: 'me@' } }), ["'from' address 'me@' is invalid"]],
    ['more than 1000 addresses', mail({ cc: Array.from({ length: 1001 }, (_, i) => ({ email: `u${i}@example.net` })) }), ["'cc' must contain at most 1000 addresses"]],
    ['category over 255 chars', mail({ category: 'c'.repeat(256) }), ["'category' must be at most 255 characters"]],
    ['invalid base64 attachment', mail({ attachments: [{ filename: 'a.bin', content: 'not base64!!' }] }), ["'attachments[0].content' is not valid base64"]],
    ['attachment without filename', mail({ attachments: [{ content: 'aGk=' }] }), ["'attachments[0].filename' is required"]],
    ['not an object', [1, 2], ['Request body must be a JSON object']],
  ];
  for (const [name, body, errors] of cases) {
    it(`${name} → 400 ${JSON.stringify(errors)}`, async () => {
      for (const path of ['/api/send', '/bulk/api/send']) {
        const r = await send(shared.call, body, path);
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, { success: false, errors });
      }
    });
  }

  it('all four required-field messages at once, exactly as Mailtrap words them', async () => {
    const r = await send(shared.call, {});
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.errors, [
      "'from' is required",
      "'to', 'cc' or 'bcc' address is required",
      "'subject' is required",
      'must specify either text or html body',
    ]);
  });

  it('a template send needs no subject or body', async () => {
    const r = await send(shared.call, mail({ subject: undefined, text: undefined, template_uuid: 'b1f1-template', template_variables: { name: 'Ann' } }));
    assert.equal(r.status, 200);
    assert.equal(r.json.message_ids.length, 1);
  });

  it('malformed JSON → 400; no token → 401 ["Unauthorized"]', async () => {
    let r = await shared.call('POST', '/api/send', '{"from":', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.equal(r.json.success, false);
    r = await shared.call('POST', '/api/send', mail(), { Authorization: 'Bearer wrong' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { success: false, errors: ['Unauthorized'] });
    const anon = await fetch(`${shared.emu.ready.http}/bulk/api/batch`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    assert.equal(anon.status, 401);
  });

  it('batch: more than 500 requests or no requests → 400 for the whole batch; nothing is stored', async () => {
    const before = (await shared.call('GET', '/emulator/messages?limit=1')).json.total;
    let r = await shared.call('POST', '/api/batch', { base: mail({ to: undefined }), requests: Array.from({ length: 501 }, () => ({ to: [{ email: 'a@example.net' }] })) });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { success: false, errors: ["'requests' must contain at most 500 items"] });
    r = await shared.call('POST', '/bulk/api/batch', { base: mail() });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { success: false, errors: ["'requests' is required"] });
    assert.equal((await shared.call('GET', '/emulator/messages?limit=1')).json.total, before);
  });

  it('a body over the size limit → 413 with a clear message', async () => {
    const huge = JSON.stringify(mail({ text: 'x'.repeat(31 * 1024 * 1024) }));
    const r = await shared.call('POST', '/api/send', huge, { 'Content-Type': 'application/json' }).catch((err) => ({ status: -1, json: String(err) }) as any);
    assert.equal(r.status, 413);
    assert.equal(r.json.success, false);
    assert.match(r.json.errors[0], /too large/);
  });

  it('after all of that the emulator still answers', async () => {
    const r = await shared.call('GET', '/emulator/status');
    assert.equal(r.status, 200);
    assert.equal((await send(shared.call, mail())).status, 200);
  });
});
