/**
 * The plain-text fast parse (emulator/smtp/plainText.ts, issue 13) against mailparser's
 * simpleParser: on every message nodemailer's MailComposer writes, the Send API request built from
 * either is the same, and the fast parse takes exactly the one-part plain-text messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { simpleParser } from 'mailparser';
import { createLogger } from '../../../emulator/log';
import { parsePlainText } from '../../../emulator/smtp/plainText';
import { toSendRequest } from '../../../emulator/smtp/smtpIngest';

const log = createLogger('t', { write: () => undefined });
const compose = (mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> => new MailComposer(mail).compile().build();
const envelope = { envelopeFrom: 'app@plain.test', envelopeTo: ['user@example.net', 'Copy@Example.net', 'hidden@example.net'] };
const base = { from: 'App <app@plain.test>', to: 'User <user@example.net>', cc: 'copy@example.net', subject: 'Hello', text: 'hello' };

const PLAIN: [string, ConstructorParameters<typeof MailComposer>[0]][] = [
  ['the simplest', { from: 'app@plain.test', to: 'user@example.net', subject: 'hi', text: 'hello' }],
  ['names, cc, bcc', base],
  ['no subject', { ...base, subject: undefined }],
  ['an empty body', { ...base, text: '' }],
  ['lines and a trailing newline', { ...base, text: 'one\ntwo\r\nthree\n' }],
  ['non-ASCII text and subject (quoted-printable, encoded words)', { ...base, subject: 'Grüße aus Köln ✓', text: 'Grüße, ça va? ✓\n' }],
  ['a long subject and long lines (folded, soft breaks)', { ...base, subject: 'x'.repeat(200), text: `${'word '.repeat(60)}\n${'é'.repeat(100)}` }],
  ['quoted names with commas and encoded-word names', { ...base, from: '"Doe, Jane" <jane@plain.test>', to: [{ name: 'Zoë Ünicode', address: 'user@example.net' }] }],
  ['custom headers, category and custom variables', { ...base, headers: { 'X-MT-Category': 'Welcome', 'X-MT-Custom-Variables': JSON.stringify({ user_id: 42, plan: 'pro' }), 'X-Trace': 'abc', 'List-Unsubscribe': '<https://u.test/x>' } }],
  ['reply-to, message-id, references, priority', { ...base, replyTo: 'reply@plain.test', messageId: '<m1@plain.test>', references: ['<a@b>', '<c@d>'], inReplyTo: '<a@b>', priority: 'high' }],
  ['a date header', { ...base, date: new Date('2026-01-02T03:04:05Z') }],
];
const NOT_PLAIN: [string, ConstructorParameters<typeof MailComposer>[0]][] = [
  ['text and html (multipart/alternative)', { ...base, html: '<p>hello</p>' }],
  ['html only', { ...base, text: undefined, html: '<p>hello</p>' }],
  ['an attachment', { ...base, attachments: [{ filename: 'a.txt', content: 'abc' }] }],
  ['base64 text', { ...base, text: '\u00e9'.repeat(10) + '\u4e2d'.repeat(300), textEncoding: 'base64' }],
];

async function both(raw: Buffer) {
  const fast = parsePlainText(raw);
  const full = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
  return { fast, viaFast: fast && toSendRequest(fast, envelope, log), viaFull: toSendRequest(full, envelope, log) };
}

describe('SMTP plain-text fast parse', () => {
  for (const [name, mail] of PLAIN) {
    it(`takes ${name}, with the request simpleParser gives`, async () => {
      const raw = await compose(mail);
      const { fast, viaFast, viaFull } = await both(raw);
      assert.ok(fast, `fast parse declined:\n${raw}`);
      assert.deepEqual(viaFast, viaFull);
    });
  }
  for (const [name, mail] of NOT_PLAIN) {
    it(`leaves ${name} to simpleParser`, async () => {
      assert.equal(parsePlainText(await compose(mail)), null);
    });
  }
  it('leaves odd header bytes to simpleParser: 8-bit, a bare LF, no blank line', () => {
    assert.equal(parsePlainText(Buffer.from('Subject: caf\xe9\r\nFrom: a@b.test\r\n\r\nhi', 'latin1')), null);
    assert.equal(parsePlainText(Buffer.from('Subject: x\nFrom: a@b.test\r\n\r\nhi')), null);
    assert.equal(parsePlainText(Buffer.from('Subject: x\r\nFrom: a@b.test\r\nhi')), null);
  });
  it('leaves another charset, format=flowed and a disposition to simpleParser', () => {
    const msg = (contentHeaders: string) => Buffer.from(`From: a@b.test\r\nSubject: x\r\n${contentHeaders}\r\n\r\ncaf\xe9\r\n`, 'latin1');
    assert.ok(parsePlainText(msg('Content-Type: text/plain; charset=utf-8')), 'the control is taken');
    assert.equal(parsePlainText(msg('Content-Type: text/plain; charset=iso-8859-1')), null);
    assert.equal(parsePlainText(msg('Content-Type: text/plain; format=flowed')), null);
    assert.equal(parsePlainText(msg('Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt')), null);
  });
  it('the same request for the edge cases it takes: folded custom headers, duplicates, a header without a value', async () => {
    const raw = Buffer.from(
      ['From: a@b.test', 'To: user@example.net,', ' Copy@Example.net', 'Subject: =?UTF-8?Q?caf=C3=A9?= ok', 'X-Dup: 1', 'X-Dup: 2', 'X-Empty:', 'X-Folded: one', '\ttwo', 'Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=C3=A9 =', 'soft', ''].join('\r\n'),
    );
    const { fast, viaFast, viaFull } = await both(raw);
    assert.ok(fast);
    assert.deepEqual(viaFast, viaFull);
  });
});
