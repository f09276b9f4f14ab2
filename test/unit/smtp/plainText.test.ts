/**
 * The plain-text fast parse (emulator/smtp/plainText.ts, issue 13) against mailparser's
 * simpleParser: on every message nodemailer's MailComposer writes, and on generated header blocks
 * (duplicates, empty values, folding, encoded words, the headers mailparser treats apart), the
 * Send API request built from either is the same, and the fast parse takes exactly the one-part
 * plain-text messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseAddressHeader, simpleParser } from 'mailparser';
import { createLogger } from '../../../emulator/log';
import { addressesOf, fromParsedMail } from '../../../emulator/smtp/message';
import { addressList, parsePlainText } from '../../../emulator/smtp/plainText';
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
  return { fast, viaFast: fast && toSendRequest(fast, envelope, log), viaFull: toSendRequest(fromParsedMail(full), envelope, log) };
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
  it('the same request as simpleParser on generated header blocks', async () => {
    const names = fc.constantFrom(
      'Subject', 'subject', 'SUBJECT', 'X-Custom', 'x-custom', 'X-Dup', 'Message-ID', 'In-Reply-To', 'References', 'Priority', 'X-Priority',
      'Importance', 'X-MSMail-Priority', 'List-Unsubscribe', 'List-Id', 'List', 'Date', 'Sender', 'Reply-To', 'Return-Path', 'Content-ID',
      'MIME-Version', 'Precedence', 'Errors-To', 'Content-Description', 'X-MT-Category', 'X-MT-Custom-Variables', 'Keywords', 'From', 'To',
      'Cc', 'Bcc', 'Delivered-To', 'DKIM-Signature', 'Disposition-Notification-To', 'Comments',
    );
    const values = fc.constantFrom(
      '', 'plain', '  spaced  out  ', '=?UTF-8?Q?caf=C3=A9?=', '=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=', 'a =?UTF-8?Q?=C3=BC?= b', '=?UTF-8?Q??=',
      '<a@b>', 'a@b', '<a@b> <c@d>', 'c@d  e@f', '1 (Highest)', '3', '5', 'urgent', 'non-urgent', 'HIGH', '{"user_id":1}', '[1]', '{bad',
      'User <user@example.net>', '"Doe, J" <copy@example.net>, k@y.test', 'Group: user@example.net, c@d.test;', '=?UTF-8?Q?Zo=C3=AB?= <Copy@Example.net>',
      'x@xn--bcher-kva.example', 'Mon, 2 Jan 2026 03:04:05 +0000', 'not a date', 'v=1; a=rsa-sha256; d=x.test', '(comment) value', 'a:b:c',
    );
    /** A value folded at its first space, as a long header would be. */
    const line = fc.tuple(names, values, fc.boolean()).map(([n, v, fold]) => `${n}: ${fold && v.includes(' ') ? v.replace(' ', '\r\n\t') : v}`);
    const contentType = fc.constantFrom(['Content-Type: text/plain; charset=utf-8'], ['Content-Type: text/plain; charset="UTF-8"'], ['Content-Type: TEXT/PLAIN'], ['Content-Type: text/plain; charset=us-ascii'], []);
    const encoding = fc.constantFrom([], ['Content-Transfer-Encoding: 7bit'], ['Content-Transfer-Encoding: quoted-printable']);
    const body = fc.constantFrom('hello', '', 'one\r\ntwo\r\n', 'caf=C3=A9 =\r\nsoft\r\n', 'caf\u00e9 \u2713\r\n');
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), contentType, encoding, body, async (lines, type, cte, text) => {
        const raw = Buffer.from([...lines, ...type, ...cte, '', text].join('\r\n'));
        const { fast, viaFast, viaFull } = await both(raw);
        assert.ok(fast, `fast parse declined:\n${raw}`);
        assert.deepEqual(viaFast, viaFull, `for:\n${raw}`);
        checked++;
      }),
      { numRuns: 400, seed: 13 },
    );
    assert.equal(checked, 400);
  });
  it("reads From, To and Cc values as mailparser's address parser does", () => {
    // Bare and named addresses (read directly) and their near misses (left to the parser).
    const part = fc.constantFrom('a', 'Bo', 'x1', 'user', 'Example', 'net', 'xn--bcher-kva', '.', '-', '+', '_', ' ', '  ', '@', '<', '>', '"', ',', '(', ')', ':', ';', '=?UTF-8?Q?Zo=C3=AB?=');
    const word = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
    const bare = fc.tuple(word, word, word).map(([l, d, t]) => `${l}@${d}.${t}`);
    const value = fc.oneof(
      bare,
      fc.tuple(fc.array(word, { minLength: 1, maxLength: 3 }), bare).map(([n, a]) => `${n.join(' ')} <${a}>`),
      fc.array(part, { maxLength: 10 }).map((p) => p.join('')),
    );
    let direct = 0;
    fc.assert(
      fc.property(value, (raw) => {
        const v = raw.trim();
        const got = addressList(v);
        assert.deepEqual(got, addressesOf(parseAddressHeader(v)), JSON.stringify(v));
        if (got.length === 1 && (v === got[0].email || v === `${got[0].name} <${got[0].email}>`)) direct++;
      }),
      { numRuns: 3000, seed: 13 },
    );
    assert.ok(direct > 100, `only ${direct} bare or named addresses generated`);
    for (const value of ['user@example.net', 'App <app@plain.test>', 'Ab Cd <a+b@c.d>']) assert.deepEqual(addressList(value), addressesOf(parseAddressHeader(value)));
  });
});
