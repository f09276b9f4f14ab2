/**
 * SMTP → the one ingest path. The MIME message is parsed (a plain one-part text message by
 * plainText.ts, anything else by mailparser's simpleParser: message.ts) and turned into the same
 * request shape the Send API takes; envelope recipients are the recipients (classified to, cc or
 * bcc by the headers), `X-MT-Category` and `X-MT-Custom-Variables` (JSON, ignored above 1000
 * bytes) set category and custom variables. A refused message is a 5xx reply, never a crash.
 */
import { BadRequestError, DomainNotAllowedError } from '../core/errors';
import type { Logger } from '../core/ports';
import type { Sending } from '../core/sending';
import { LIMITS } from '../core/sending/validation';
import { fromParsedMail, type MessageFields } from './message';
import { parsePlainText } from './plainText';
import type { SmtpMessage } from './smtpServer';

type MailParser = typeof import('mailparser');
let mailparser: MailParser | null = null;
/** mailparser (with libmime and mailsplit) loads on the first message, not before the ready line. */
const parser = (): MailParser => (mailparser ??= require('mailparser') as MailParser);

const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

function customVariables(raw: string | undefined, log: Logger): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  if (Buffer.byteLength(raw) > LIMITS.customVariablesBytes) {
    log.warn('X-MT-Custom-Variables ignored: larger than 1000 bytes', { bytes: Buffer.byteLength(raw) });
    return undefined;
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  log.warn('X-MT-Custom-Variables ignored: not a JSON object');
  return undefined;
}

/** Mailtrap's words (troubleshooting/sending-from-domain-not-allowed.md), after the 550. */
export const SMTP_DOMAIN_NOT_ALLOWED = '5.7.1 Sending from domain is not allowed';

/**
 * MAIL FROM with `--domains strict`: an unknown sender domain is refused at once, as Mailtrap
 * does ("Mail command failed: 550 5.7.1 …"). Null when allowed (also the empty reverse path).
 */
export function smtpSenderCheck(sending: Sending): (address: string) => string | null {
  return (address) => {
    if (!address.includes('@')) return null;
    try {
      sending.service.checkSender(address);
      return null;
    } catch (err) {
      if (err instanceof DomainNotAllowedError) return SMTP_DOMAIN_NOT_ALLOWED;
      throw err;
    }
  };
}

/** The message parsed: a plain one-part text message without mailparser, anything else by `simpleParser`. */
export async function parseMessage(raw: Buffer): Promise<MessageFields> {
  let plain: MessageFields | null = null;
  try {
    plain = parsePlainText(raw);
  } catch {
    // anything it did not expect: the full parser decides
  }
  if (plain) return plain;
  try {
    return fromParsedMail(await parser().simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true }));
  } catch (err) {
    throw refuse(554, `5.6.0 Message could not be parsed: ${String((err as Error).message ?? err).slice(0, 200)}`);
  }
}

/** The Send API request an SMTP message stands for. */
export function toSendRequest(fields: MessageFields, msg: Pick<SmtpMessage, 'envelopeFrom' | 'envelopeTo'>, log: Logger) {
  const from = fields.from[0] ?? (msg.envelopeFrom ? { email: msg.envelopeFrom } : undefined);
  const inTo = new Set(fields.to.map((a) => a.email.toLowerCase()));
  const inCc = new Set(fields.cc.map((a) => a.email.toLowerCase()));
  const to: { email: string }[] = [];
  const cc: { email: string }[] = [];
  const bcc: { email: string }[] = [];
  for (const email of msg.envelopeTo) {
    const key = email.toLowerCase();
    (inTo.has(key) ? to : inCc.has(key) ? cc : bcc).push({ email });
  }
  const headers: Record<string, string> = {};
  for (const { name, key } of fields.names) if (name) headers[name] = fields.values.get(key) ?? '';
  const request = {
    from,
    to,
    cc,
    bcc,
    subject: fields.subject,
    text: fields.text || undefined,
    html: fields.html || undefined,
    attachments: fields.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      content: a.content,
      type: a.contentType,
      disposition: a.contentDisposition === 'inline' ? 'inline' : 'attachment',
      content_id: a.cid,
    })),
    headers,
    category: fields.values.get('x-mt-category'),
    custom_variables: customVariables(fields.values.get('x-mt-custom-variables'), log),
  };
  return request;
}

/** Builds the `onMessage` callback of the SMTP server. */
export function smtpIngest(sending: Sending, log: Logger): (msg: SmtpMessage) => Promise<string> {
  return async (msg) => {
    const request = toSendRequest(await parseMessage(msg.raw), msg, log);
    let ids: string[];
    try {
      ids = sending.service.ingest(request, 'transactional', 'smtp');
    } catch (err) {
      if (err instanceof BadRequestError) throw refuse(550, `5.6.0 ${err.messages.join('; ')}`);
      if (err instanceof DomainNotAllowedError) throw refuse(550, SMTP_DOMAIN_NOT_ALLOWED);
      throw err;
    }
    const more = ids.length > 1 ? ` and ${ids.length - 1} more` : '';
    return `2.0.0 Ok: queued as ${ids[0]}${more}`;
  };
}
