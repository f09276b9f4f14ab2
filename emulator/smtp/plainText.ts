/**
 * The one-part plain-text message without mailparser's streams (issue 13): most SMTP mail from a
 * test suite is a single `text/plain` part, and `simpleParser` spends more CPU on its pipeline of
 * streams (splitter, decoder, hasher, charset) for such a message than the rest of the SMTP path.
 *
 * Fidelity by construction: the header block is read by the same mailsplit `MimeNode` and the same
 * `MailParser.processHeaders` that `simpleParser` runs, and the body decoded as mailparser decodes
 * an inline text part (quoted-printable by libqp's `decode`, which its stream decoder equals,
 * line breaks made `\n`). Anything else (multipart, HTML, another charset, base64, format=flowed,
 * a disposition or file name, 8-bit or unusual header bytes) returns null, and the caller runs
 * `simpleParser`. test/unit/smtp/plainText.test.ts checks the result equals `simpleParser`'s on
 * the messages nodemailer writes.
 */
import type { AddressObject, HeaderLines, Headers, ParsedMail } from 'mailparser';

/** What smtpIngest builds the Send API request from: simpleParser's result, or these fields of it. */
export type Parsed = Pick<ParsedMail, 'headers' | 'headerLines' | 'subject' | 'from' | 'to' | 'cc' | 'text'> & {
  html?: ParsedMail['html'];
  attachments: ParsedMail['attachments'];
};

interface MimeNodeLike {
  addHeaderChunk(line: Buffer): boolean;
  parseHeaders(): void;
  headers: { getList(): HeaderLines; lines: HeaderLines };
  multipart: string | false;
  contentType: string | false;
  charset: string | false;
  encoding: string | false;
  disposition: string | false;
  filename: string | false;
  flowed: boolean;
  rfc822: boolean;
}
interface Parts {
  MimeNode: new (parent: false, config: object) => MimeNodeLike;
  processHeaders: (lines: HeaderLines) => Headers;
  qpDecode: (raw: Buffer) => Buffer;
}
let parts: Parts | null = null;
/** Loaded on the first message, as mailparser is (not before the ready line). */
function load(): Parts {
  if (parts) return parts;
  const { MailParser } = require('mailparser') as typeof import('mailparser');
  // One parser, never written to: only its header processing is used, which keeps no state.
  const mp = new MailParser() as unknown as { processHeaders(lines: HeaderLines): Headers };
  return (parts = {
    MimeNode: require('@zone-eu/mailsplit/lib/mime-node.js') as Parts['MimeNode'],
    processHeaders: (lines) => mp.processHeaders(lines),
    qpDecode: (require('libqp') as { decode: (raw: Buffer) => Buffer }).decode,
  });
}

const MAX_HEADER_BYTES = 64 * 1024;
const PLAIN_CHARSETS = new Set(['utf8', 'ascii', 'usascii']);

/** The parsed message, or null when it is not a plain one-part text message (then use simpleParser). */
export function parsePlainText(raw: Buffer): Parsed | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0 || end > MAX_HEADER_BYTES) return null;
  const block = raw.subarray(0, end + 4);
  // Header bytes: printable ASCII, tab, and CRLF line ends only (no bare CR or LF, no 8-bit, no NUL).
  for (let i = 0; i < block.length; i++) {
    const b = block[i];
    if (b === 0x0d) {
      if (block[i + 1] !== 0x0a) return null;
      i++;
    } else if ((b < 0x20 && b !== 0x09) || b > 0x7e) return null;
  }
  const { MimeNode, processHeaders, qpDecode } = load();
  const node = new MimeNode(false, {});
  for (let at = 0; at < block.length; ) {
    const next = block.indexOf('\n', at) + 1;
    node.addHeaderChunk(block.subarray(at, next));
    at = next;
  }
  node.parseHeaders();
  const charset = node.charset === false ? 'utf8' : node.charset.toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (
    node.multipart ||
    node.rfc822 ||
    node.contentType !== 'text/plain' ||
    node.flowed ||
    node.disposition ||
    node.filename ||
    !PLAIN_CHARSETS.has(charset) ||
    !['', '7bit', '8bit', 'quoted-printable'].includes(node.encoding || '')
  ) {
    return null;
  }
  const body = raw.subarray(end + 4);
  const bytes = node.encoding === 'quoted-printable' ? qpDecode(body) : body;
  const text = bytes.toString().replace(/\r?\n/g, '\n');
  const headerLines = node.headers.getList();
  const headers = processHeaders(headerLines);
  const out: Parsed = { headers, headerLines: node.headers.lines, html: undefined, attachments: [], text: text || undefined };
  // As simpleParser copies them (the first value of each).
  if (headers.has('subject')) out.subject = headers.get('subject') as string;
  if (headers.has('from')) out.from = headers.get('from') as AddressObject;
  if (headers.has('to')) out.to = headers.get('to') as AddressObject;
  if (headers.has('cc')) out.cc = headers.get('cc') as AddressObject;
  return out;
}
