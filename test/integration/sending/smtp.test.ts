/** SMTP ingest with nodemailer and a raw socket, against the real process. */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { smtpTransport, useEmulatorProcess } from '../../helpers/emulatorProcess';
import { advance, eventsOf } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);


const transport = (pass = shared.emu.ready.token, method: 'PLAIN' | 'LOGIN' = 'PLAIN') => smtpTransport(shared.emu.ready, pass, method);

const idsFrom = (response: string): string[] => {
  const m = /^250 2\.0\.0 Ok: queued as ([0-9a-f-]{36})(?: and (\d+) more)?$/.exec(response);
  assert.ok(m, `reply ${response}`);
  return [m[1], m[2] ?? '0'];
};

/** A raw SMTP conversation: sends each line, returns every reply line. */
async function converse(lines: string[]): Promise<string[]> {
  const sock = net.connect(shared.emu.ready.smtpPort, '127.0.0.1');
  const replies: string[] = [];
  let buf = '';
  const waitReply = () =>
    new Promise<string>((resolve) => {
      const check = () => {
        const m = /^(\d{3}) .*\r\n/m.exec(buf);
        if (!m) return false;
        const end = buf.indexOf('\r\n', m.index) + 2;
        const reply = buf.slice(0, end).trim();
        buf = buf.slice(end);
        resolve(reply);
        return true;
      };
      if (check()) return;
      const on = (c: Buffer) => {
        buf += c.toString();
        if (check()) sock.off('data', on);
      };
      sock.on('data', on);
    });
  replies.push(await waitReply());
  for (const line of lines) {
    sock.write(line + '\r\n');
    replies.push(await waitReply());
  }
  sock.destroy();
  return replies;
}

describe('SMTP', () => {
  it('AUTH PLAIN with api/token: 250 "Ok: queued as <id>"; the message and its lifecycle exist', async () => {
    const info = await transport().sendMail({
      from: '"Shop" <smtp@mailer.test>',
      to: 'one+open@example.net',
      subject: 'Over SMTP',
      text: 'plain body',
      html: '<p>html <a href="https://mailer.test/x">link</a></p>',
      attachments: [{ filename: 'data.csv', content: 'a,b\n1,2\n' }],
    });
    const [id, more] = idsFrom(info.response);
    assert.equal(more, '0');
    const m = await shared.call('GET', `/emulator/messages/${id}`);
    assert.equal(m.status, 200);
    assert.equal(m.json.subject, 'Over SMTP');
    assert.equal(m.json.text.trim(), 'plain body');
    assert.match(m.json.html, /\/t\/c\//);
    assert.equal(m.json.from, '"Shop" <smtp@mailer.test>');
    assert.deepEqual(m.json.attachments, [{ filename: 'data.csv', type: 'text/csv', size: 8 }]);
    assert.equal(m.json.headers.Subject, 'Over SMTP');
    await advance(shared.call, 30);
    assert.deepEqual((await eventsOf(shared.call, id)).map((e) => e.event), ['delivery', 'open']);
  });

  it('AUTH LOGIN, several recipients: "… and N more"; X-MT-Category and X-MT-Custom-Variables reach the events', async () => {
    const info = await transport(shared.emu.ready.token, 'LOGIN').sendMail({
      from: 'smtp@mailer.test',
      to: ['a@example.net', 'b@example.net'],
      cc: 'c@example.net',
      bcc: 'd@example.net',
      subject: 'Many',
      text: 'hi',
      headers: { 'X-MT-Category': 'Receipts', 'X-MT-Custom-Variables': JSON.stringify({ order: 'A-1', total: 12 }) },
    });
    const [first, more] = idsFrom(info.response);
    assert.equal(more, '3');
    const page = await shared.call('GET', '/emulator/messages?limit=4');
    const ids = page.json.data.map((m: any) => m.id).reverse();
    assert.equal(ids[0], first);
    assert.deepEqual(page.json.data.map((m: any) => m.recipients[0]).reverse(), ['a@example.net', 'b@example.net', 'c@example.net', 'd@example.net']);
    await advance(shared.call, 10);
    const [e] = await eventsOf(shared.call, first);
    assert.equal(e.category, 'Receipts');
    assert.deepEqual(e.custom_variables, { order: 'A-1', total: 12 });
  });

  it('X-MT-Custom-Variables above 1000 bytes is ignored, the message still goes', async () => {
    const info = await transport().sendMail({
      from: 'smtp@mailer.test',
      to: 'big@example.net',
      subject: 'Big vars',
      text: 'hi',
      headers: { 'X-MT-Custom-Variables': JSON.stringify({ blob: 'x'.repeat(1200) }) },
    });
    const [id] = idsFrom(info.response);
    await advance(shared.call, 10);
    const [e] = await eventsOf(shared.call, id);
    assert.equal('custom_variables' in e, false);
  });

  it('a wrong password is 535', async () => {
    await assert.rejects(
      transport('wrong-token').sendMail({ from: 'smtp@mailer.test', to: 'a@example.net', subject: 's', text: 't' }),
      (err: any) => err.responseCode === 535,
    );
    const r = await converse(['EHLO t', `AUTH PLAIN ${Buffer.from('\0bob\0' + shared.emu.ready.token).toString('base64')}`, 'QUIT']);
    assert.match(r[2], /^535 /);
  });

  it('a declared size over the limit is 552; a bad command gets 5xx and the server stays up', async () => {
    const auth = Buffer.from('\0api\0' + shared.emu.ready.token).toString('base64');
    const r = await converse(['EHLO t', `AUTH PLAIN ${auth}`, 'MAIL FROM:<a@mailer.test> SIZE=999999999', 'BOGUS command', 'RCPT TO:<x@example.net>', 'QUIT']);
    assert.match(r[1], /(^|\n)250 /);
    assert.match(r[2], /^235 /);
    assert.match(r[3], /^552 /);
    assert.match(r[4], /^5\d\d /);
    assert.match(r[5], /^503 /, 'RCPT before MAIL is a bad sequence');
    const ok = await transport().sendMail({ from: 'smtp@mailer.test', to: 'after@example.net', subject: 'still up', text: 'yes' });
    assert.match(ok.response, /^250 /);
  });

  it('a message the Send API would refuse is a 550 with Mailtrap\'s words', async () => {
    await assert.rejects(
      transport().sendMail({ from: 'smtp@mailer.test', to: 'a@example.net', text: 'no subject' }),
      (err: any) => err.responseCode === 550 && /'subject' is required/.test(err.response),
    );
    const auth = Buffer.from('\0api\0' + shared.emu.ready.token).toString('base64');
    const r = await converse(['EHLO t', `AUTH PLAIN ${auth}`, 'MAIL FROM:<>', 'RCPT TO:<x@example.net>', 'DATA', 'Subject: s\r\n\r\nbody\r\n.', 'QUIT']);
    assert.match(r[6], /^550 5\.6\.0 'from' is required/);
  });

  it('the port is plain: EHLO offers no STARTTLS, and a STARTTLS is refused with the session still usable', async () => {
    // The server builds no TLS context (smtpServer.ts, PlainSmtpServer): nothing may reach for one.
    const auth = Buffer.from('\0api\0' + shared.emu.ready.token).toString('base64');
    const r = await converse(['EHLO t', 'STARTTLS', `AUTH PLAIN ${auth}`, 'QUIT']);
    assert.match(r[1], /(^|\n)250 /);
    assert.doesNotMatch(r[1], /STARTTLS/);
    assert.match(r[2], /^5\d\d /);
    assert.match(r[3], /^235 /);
  });

  it('without AUTH, mail is refused', async () => {
    const r = await converse(['EHLO t', 'MAIL FROM:<a@mailer.test>', 'QUIT']);
    assert.match(r[2], /^530 /);
  });
});
