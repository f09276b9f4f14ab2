/** Read APIs (pagination, filters), the live stream's message.created, and a real oversized SMTP message. */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { advance, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);


describe('read APIs', () => {
  it('messages and events page newest first with before/limit and filter by email, type and message_id', async () => {
    const r = await send(shared.call, mail({ to: Array.from({ length: 5 }, (_, i) => ({ email: `page${i}+open@example.net` })) }));
    const ids: string[] = r.json.message_ids;
    await advance(shared.call, 30);

    const p1 = await shared.call('GET', '/emulator/messages?limit=3');
    assert.equal(p1.json.total, 5);
    assert.deepEqual(p1.json.data.map((m: any) => m.id), ids.slice(2).reverse());
    assert.deepEqual(p1.json.data[0].eventCounts, { delivery: 1, open: 1 });
    const p2 = await shared.call('GET', `/emulator/messages?limit=3&before=${p1.json.next_before}`);
    assert.deepEqual(p2.json.data.map((m: any) => m.id), ids.slice(0, 2).reverse());
    assert.equal(p2.json.next_before, null);

    const byEmail = await shared.call('GET', '/emulator/messages?email=PAGE3%2Bopen@example.net');
    assert.deepEqual(byEmail.json.data.map((m: any) => m.id), [ids[3]]);

    const opens = await shared.call('GET', '/emulator/events?type=open&limit=2');
    assert.equal(opens.json.total, 5);
    assert.equal(opens.json.data.length, 2);
    assert.ok(opens.json.data.every((e: any) => e.payload.event === 'open' && typeof e.recordedAt === 'number'));
    const rest = await shared.call('GET', `/emulator/events?type=open&limit=10&before=${opens.json.next_before}`);
    assert.equal(rest.json.data.length, 3);
    assert.equal(rest.json.next_before, null);
    const one = await shared.call('GET', `/emulator/events?message_id=${ids[0]}`);
    assert.deepEqual(one.json.data.map((e: any) => e.payload.event), ['open', 'delivery']);

    const missing = await shared.call('GET', '/emulator/messages/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal((await shared.call('GET', '/emulator/messages?before=abc')).status, 400);
  });

  it('the live stream announces message.created after a send', async () => {
    const ac = new AbortController();
    const res = await fetch(`${shared.emu.ready.http}/emulator/stream`, { headers: { Authorization: `Bearer ${shared.emu.ready.token}` }, signal: ac.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: hello')) text += decoder.decode((await reader.read()).value);
    const r = await send(shared.call, mail({ to: [{ email: 'live@example.net' }], subject: 'Live' }));
    while (!text.includes('event: message.created')) text += decoder.decode((await reader.read()).value);
    ac.abort();
    const data = JSON.parse(/event: message\.created\ndata: (.*)\n/.exec(text)![1]);
    assert.deepEqual(data.messageIds, r.json.message_ids);
    assert.equal(data.subject, 'Live');
  });
});

describe('SMTP size limit', () => {
  it('a message over 30 MiB is answered 552 and the server stays up', async () => {
    const sock = net.connect(shared.emu.ready.smtpPort, '127.0.0.1');
    let buf = '';
    sock.on('data', (c) => (buf += c.toString()));
    const waitFor = async (re: RegExp) => {
      while (!re.test(buf)) await new Promise((r) => setTimeout(r, 5));
    };
    await waitFor(/^220 /m);
    const auth = Buffer.from('\0api\0' + shared.emu.ready.token).toString('base64');
    sock.write(`EHLO t\r\nAUTH PLAIN ${auth}\r\n`);
    await waitFor(/^235 /m);
    sock.write('MAIL FROM:<big@size.test>\r\nRCPT TO:<x@example.net>\r\nDATA\r\n');
    await waitFor(/^354 /m);
    sock.write('From: big@size.test\r\nTo: x@example.net\r\nSubject: big\r\n\r\n');
    const line = 'x'.repeat(998) + '\r\n';
    const chunk = line.repeat(1024); // ~1 MiB
    for (let i = 0; i < 31; i++) if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
    sock.write('.\r\n');
    await waitFor(/^552 /m);
    sock.end('QUIT\r\n');
    assert.match(buf, /^552 5\.3\.4 Message exceeds the size limit/m);
    assert.equal((await shared.call('GET', '/emulator/messages?email=x@example.net')).json.total, 0);
    assert.equal((await shared.call('GET', '/emulator/status')).status, 200);
  });
});
