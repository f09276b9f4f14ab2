/**
 * The one-part plain-text message without mailparser (issue 13): most SMTP mail from a test suite
 * is a single `text/plain` part, and for such a message `simpleParser` spends more CPU on its
 * streams and on header work the request never reads (every header decoded, addresses formatted
 * as HTML, dates and content types parsed) than the rest of the SMTP path.
 *
 * Fidelity by construction: the header lines are split as mailsplit splits them, and each value
 * the request carries is what `fromParsedMail` reads from mailparser's `processHeaders` (which
 * headers it makes a string, and how: the rules below follow mailparser 3.14's), with the same
 * libmime and address parser for encoded words and addresses. The body is decoded as mailparser
 * decodes an inline text part (quoted-printable by libqp, line breaks made `\n`). Anything else
 * (multipart, HTML, another charset, base64, format=flowed, a disposition or a file name, 8-bit or
 * unusual header bytes, an odd header name) returns null, and the caller runs `simpleParser`.
 * test/unit/smtp/plainText.test.ts checks the request equals `simpleParser`'s, on the messages
 * nodemailer writes and on generated header blocks.
 */
import type { AddressObject } from 'mailparser';
import { decodeWords, rawValue, addressesOf, type Address, type MessageFields } from './message';

interface Parts {
  libmime: typeof import('libmime');
  parseAddressHeader: (value: string) => AddressObject;
  qpDecode: (raw: Buffer) => Buffer;
}
let parts: Parts | null = null;
/** Loaded on the first message, as mailparser is (not before the ready line). */
function load(): Parts {
  return (parts ??= {
    libmime: require('libmime') as typeof import('libmime'),
    parseAddressHeader: (require('mailparser') as { parseAddressHeader: Parts['parseAddressHeader'] }).parseAddressHeader,
    qpDecode: (require('libqp') as { decode: (raw: Buffer) => Buffer }).decode,
  });
}

const MAX_HEADER_BYTES = 64 * 1024;
const PLAIN_CHARSETS = new Set(['utf8', 'ascii', 'usascii']);
/** A header name we take: printable ASCII without a colon or a space. */
const NAME = /^[!-9;-~]+$/;

/** Headers mailparser makes something other than a string (addresses, dates, parameters) or keeps under another key (`list`, `priority`). */
const NOT_STRING = new Set([
  'content-type',
  'content-disposition',
  'dkim-signature',
  'date',
  'from',
  'to',
  'cc',
  'bcc',
  'sender',
  'reply-to',
  'delivered-to',
  'return-path',
  'disposition-notification-to',
  'list',
  'x-priority',
  'x-msmail-priority',
  'importance',
]);
/** The priority headers, all kept by mailparser as one `priority`. */
const PRIORITY = new Set(['priority', 'x-priority', 'x-msmail-priority', 'importance']);
/** Headers of which mailparser keeps the first value only (the rest: one value is a string, more are a list). */
const SINGLE = new Set(['content-id', 'content-transfer-encoding', 'mime-version', 'content-description', 'precedence', 'errors-to', 'subject', 'message-id', 'in-reply-to']);

/** As mailparser's `ensureMessageIDFormat`. */
const messageId = (v: string): string => (v ? `${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}` : '');

/** As mailparser's `parsePriority`. */
function priority(value: string): string {
  const v = value.toLowerCase().trim();
  const level = parseInt(v, 10);
  if (!isNaN(level)) return level === 3 ? 'normal' : level > 3 ? 'low' : 'high';
  return v === 'non-urgent' || v === 'low' ? 'low' : v === 'urgent' || v === 'high' ? 'high' : 'normal';
}

/** An address without quotes, comments, encoded words or an internationalized (punycode) domain. */
const ADDR = '[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+';
const BARE = new RegExp(`^${ADDR}$`);
const NAMED = new RegExp(`^([A-Za-z0-9]+(?: [A-Za-z0-9]+)*) <(${ADDR})>$`);

/**
 * The addresses of a From, To or Cc value, as mailparser's address parser reads them: a bare
 * address or `Name <address>` (what a test suite's mail mostly carries) directly, anything else
 * by that parser. test/unit/smtp/plainText.test.ts compares the two on generated values.
 */
export function addressList(value: string): Address[] {
  if (!value.includes('xn--')) {
    if (BARE.test(value)) return [{ email: value }];
    const named = NAMED.exec(value);
    if (named) return [{ email: named[2], name: named[1] }];
  }
  return addressesOf(load().parseAddressHeader(value));
}

/** The fields of a plain one-part text message, or null when it is not one (then use simpleParser). */
export function parsePlainText(raw: Buffer): MessageFields | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0 || end > MAX_HEADER_BYTES) return null;
  // Header bytes: printable ASCII, tab, and CRLF line ends only (no bare CR or LF, no 8-bit, no NUL).
  for (let i = 0; i < end; i++) {
    const b = raw[i];
    if (b === 0x0d) {
      if (raw[i + 1] !== 0x0a) return null;
      i++;
    } else if ((b < 0x20 && b !== 0x09) || b > 0x7e) return null;
  }
  // The lines as mailsplit keeps them: a folded line joined by CRLF to its continuations.
  const lines: { name: string; key: string; line: string; value: string }[] = [];
  for (const l of raw.toString('latin1', 0, end).split('\r\n')) {
    if (l.charCodeAt(0) === 0x20 || l.charCodeAt(0) === 0x09) {
      if (!lines.length) return null;
      lines[lines.length - 1].line += `\r\n${l}`;
      continue;
    }
    const colon = l.indexOf(':');
    const name = l.slice(0, colon);
    if (colon < 1 || !NAME.test(name)) return null;
    lines.push({ name, key: name.toLowerCase(), line: l, value: '' });
  }
  // Each line's raw value once (folding undone); by key, as mailparser groups them.
  const byKey = new Map<string, string[]>();
  for (const l of lines) {
    l.value = rawValue(l.line);
    const group = l.key.startsWith('list-') ? 'list' : PRIORITY.has(l.key) ? 'priority' : l.key;
    const values = byKey.get(group);
    if (values) values.push(l.value);
    else byKey.set(group, [l.value]);
  }

  // One text/plain part in UTF-8 or ASCII, 7bit, 8bit or quoted-printable, nothing else. No
  // Content-Type is text/plain (RFC 2045 5.2), as a bare `Subject: x` message from a script has.
  const { libmime, qpDecode } = load();
  const decode = (v: string): string => {
    if (!v.includes('=?')) return v;
    try {
      return libmime.decodeWords(v);
    } catch {
      return v;
    }
  };
  const contentType = byKey.get('content-type');
  const cte = byKey.get('content-transfer-encoding');
  if ((contentType && contentType.length > 1) || byKey.has('content-disposition') || (cte && cte.length > 1)) return null;
  if (contentType) {
    const type = libmime.parseHeaderValue(contentType[0]);
    if (type.value.toLowerCase() !== 'text/plain' || Object.keys(type.params).some((p) => p !== 'charset')) return null;
    const charset = type.params.charset;
    if (charset !== undefined && !PLAIN_CHARSETS.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''))) return null;
  }
  const encoding = (cte?.[0] ?? '').toLowerCase();
  if (!['', '7bit', '8bit', 'quoted-printable'].includes(encoding)) return null;

  const subjects = byKey.get('subject')?.map(decode);
  // Each header's value as `fromParsedMail` reads mailparser's: its string, or the first line's raw value.
  const values = new Map<string, string>();
  for (const { key, value } of lines) {
    if (values.has(key)) continue;
    let kept: string | undefined;
    if (key === 'priority') kept = priority(byKey.get('priority')![0]);
    else if (!NOT_STRING.has(key) && !key.startsWith('list-')) {
      let found = byKey.get(key)!;
      if (key === 'references') found = found.flatMap((v) => decode(v).split(/\s+/).map(messageId));
      else if (key === 'subject') found = subjects!;
      else if (key === 'message-id' || key === 'in-reply-to') found = found.map((v) => messageId(decode(v)));
      found = found.filter((v) => v);
      if (found.length === 1 || (found.length > 1 && SINGLE.has(key))) kept = found[0];
    }
    values.set(key, kept === undefined ? value : decodeWords(kept).trim());
  }
  const addresses = (key: string): Address[] => (byKey.get(key) ?? []).flatMap(addressList);

  const body = raw.subarray(end + 4);
  const bytes = encoding === 'quoted-printable' ? qpDecode(body) : body;
  const subject = subjects?.find((v) => v);
  return {
    names: lines,
    values,
    ...(subject === undefined ? {} : { subject }),
    from: (byKey.get('from') ?? []).slice(0, 1).flatMap(addressList),
    to: addresses('to'),
    cc: addresses('cc'),
    text: bytes.toString().replace(/\r?\n/g, '\n') || undefined,
    attachments: [],
  };
}
