/**
 * The raw message (RFC 5322, `message/rfc822`) behind an email log's `raw_message_url`: the
 * message as it went to the recipient, composed from what the emulator stored (Mailtrap's `.eml`
 * download). The HTML part is the tracked one (pixel, rewritten links), as delivered. An SMTP
 * message keeps its own headers (Message-ID, In-Reply-To, X-…); the MIME structure is rebuilt.
 */
import type { MessageView } from '../core/sending';
import type { Address } from '../core/sending/model';
import { trackHtml } from '../core/sending/tracking';

type MailComposerCtor = typeof import('nodemailer/lib/mail-composer');
let composer: MailComposerCtor | undefined;
/** Loaded on first use: start-up stays fast (the ready-line benchmark). */
const MailComposer = (): MailComposerCtor => (composer ??= require('nodemailer/lib/mail-composer') as MailComposerCtor);

/** Headers the composer writes itself from the message's fields and parts. */
const STRUCTURAL = new Set([
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'mime-version',
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
]);

const address = (a: Address) => (a.name ? { name: a.name, address: a.email } : a.email);

export function composeRawMessage(
  v: MessageView,
  opts: { messageIdHeader: string; baseUrl: string; attachment: (position: number) => Uint8Array | undefined },
): Promise<Buffer> {
  const m = v.send.mail;
  const headers = Object.fromEntries(Object.entries(m.headers).filter(([k]) => !STRUCTURAL.has(k.toLowerCase())));
  const html = m.html && trackHtml(m.html, { baseUrl: opts.baseUrl, messageId: v.message.id, open: v.send.openTracking, click: v.send.clickTracking });
  const Composer = MailComposer();
  const node = new Composer({
    from: address(m.from),
    to: m.to.map(address),
    cc: m.cc.map(address),
    replyTo: m.replyTo ? address(m.replyTo) : undefined,
    subject: m.subject ?? undefined,
    text: m.text ?? undefined,
    html: html ?? undefined,
    attachments: v.send.attachments.map((a, i) => ({
      filename: a.filename,
      contentType: a.type ?? undefined,
      content: Buffer.from(opts.attachment(i) ?? new Uint8Array()),
    })),
    headers,
    messageId: opts.messageIdHeader,
    date: new Date(v.send.createdAt),
  }).compile();
  // The envelope is the recipient's own copy: the composer would otherwise fold bcc into it.
  node.setEnvelope({ from: m.from.email, to: v.message.email });
  return new Promise((resolve, reject) => node.build((err, buf) => (err ? reject(err) : resolve(buf))));
}
