/**
 * What smtpIngest reads of an SMTP message to build its Send API request: the header names in
 * order, each header's value as the request carries it, the addresses of From, To and Cc, the
 * subject and the body. `fromParsedMail` takes them from mailparser's `simpleParser`; the
 * plain-text fast parse (plainText.ts) builds the same fields without it.
 */
import type { AddressObject, ParsedMail } from 'mailparser';

export interface Address {
  email: string;
  name?: string;
}

export interface MessageFields {
  /** The header lines in order: the name as written and its lower-case key. */
  names: { name: string; key: string }[];
  /** Each key of `names`: the header's value as the request carries it. */
  values: Map<string, string>;
  subject?: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  text?: string;
  html?: string;
  attachments: ParsedMail['attachments'];
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`), which nodemailer uses for long or non-ASCII values. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (whole, charset: string, enc: string, text: string) => {
      try {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
        return new TextDecoder(charset.split('*')[0]).decode(bytes);
      } catch {
        return whole;
      }
    });
}

/** A header line's value as written: after the first colon, folding undone, trimmed. */
export const rawValue = (line: string): string => line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();

/** The addresses with an address (a group's name alone is none), as `{email, name?}`. */
export const addressesOf = (a: AddressObject | AddressObject[] | undefined): Address[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) =>
    o.value.filter((v) => v.address).map((v) => (v.name ? { email: v.address!, name: v.name } : { email: v.address! })),
  );

type FromParser = Pick<ParsedMail, 'headers' | 'headerLines' | 'subject' | 'from' | 'to' | 'cc' | 'text' | 'html' | 'attachments'>;

/**
 * The fields of simpleParser's result. A header's value: decoded by mailparser (MIME words,
 * folding) when mailparser makes it a string, else the first such line's raw value.
 */
export function fromParsedMail(parsed: FromParser): MessageFields {
  const value = (key: string, line: string): string => {
    const decoded = parsed.headers.get(key);
    return typeof decoded === 'string' ? decodeWords(decoded).trim() : rawValue(line);
  };
  const names: MessageFields['names'] = [];
  const values = new Map<string, string>();
  for (const h of parsed.headerLines) {
    names.push({ name: h.line.slice(0, h.line.indexOf(':')).trim(), key: h.key });
    // The first line of a key stands for it (its raw value, when mailparser's is not a string).
    if (!values.has(h.key)) values.set(h.key, value(h.key, h.line));
  }
  return {
    names,
    values,
    subject: parsed.subject,
    from: addressesOf(parsed.from),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    attachments: parsed.attachments,
  };
}
