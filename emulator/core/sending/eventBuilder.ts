/**
 * Builds Mailtrap's webhook payload objects (SPEC §3), field by field: the common fields, then
 * the per-type ones (`response`/`response_code`/`bounce_category` on bounces, `reason` on
 * reject/suspension, `ip`/`user_agent` on engagement, `url` on click). Absent optional fields
 * are omitted, never null. Values are plausible and stable for a given message, so a test or a
 * person reading them sees something that looks like Mailtrap's.
 */
import type { EventPayload } from '../events';
import type { PayloadEventName, SendingStream } from '../types';
import { flatObjectRoom, writeAscii, writeBegin, writeEnd, writeFlatObject, writeNumber, writeQuoted, writeRaw, type Utf8Json } from '../jsonText';

export interface EventContext {
  messageId: string;
  email: string;
  stream: SendingStream;
  domainName: string;
  category?: string | null;
  customVariables?: Record<string, unknown> | null;
}

/** Per-type extras a caller may supply (tracking hits know the real IP, UA and URL). */
export interface EventExtras {
  ip?: string;
  userAgent?: string;
  url?: string;
  reason?: string;
  /** For `bounce` / `soft bounce`: which of Mailtrap's categories (default badrecipient / greylisting). */
  category?: string;
}

/** Mailtrap's bounce categories (SPEC §3). */
export const BOUNCE_CATEGORIES = [
  'transientfail',
  'greylisting',
  'badsender',
  'block',
  'content',
  'dnsFail',
  'generalfail',
  'other',
  'relayfail',
  'serverfail',
  'spam',
  'verifyfail',
  'timeout',
  'badrecipient',
  'overquota',
  'serverpolicy',
  'spam_gmail',
] as const;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
];
/** Documentation ranges (RFC 5737), so nothing looks like a real person's address. */
const IPS = ['203.0.113.24', '198.51.100.77', '192.0.2.145', '203.0.113.201'];

/**
 * What the recipient's server answered, per bounce category: plausible SMTP replies. The `spam`
 * one is Mailtrap's own example (documentation/email-api-smtp/webhooks.md, the Bounce payload).
 */
const BOUNCE_ANSWERS: Record<string, { code: number; response: (email: string) => string }> = {
  badrecipient: { code: 550, response: (e) => `550 5.1.1 <${e}>: Recipient address rejected: User unknown in virtual mailbox table` },
  block: { code: 554, response: () => '554 5.7.1 Service unavailable; Client host [203.0.113.10] blocked using a DNS blocklist' },
  spam: { code: 555, response: () => '[CS01] Message rejected due to local policy' },
  overquota: { code: 552, response: (e) => `552 5.2.2 <${e}>: Mailbox full, over quota` },
  timeout: { code: 550, response: () => '550 4.4.7 Message expired: the recipient server did not answer in time' },
  greylisting: { code: 451, response: (e) => `451 4.7.1 <${e}>: Recipient address rejected: Greylisted, please try again later` },
  transientfail: { code: 421, response: () => '421 4.4.2 Connection timed out, will retry' },
};
const answerFor = (category: string) => BOUNCE_ANSWERS[category] ?? { code: 550, response: () => `550 5.0.0 Message bounced (${category})` };

export const DEFAULT_CLICK_URL = 'https://example.com/';
export const DEFAULT_REJECT_REASON = 'Sending to this recipient is blocked by policy';
export const DEFAULT_SUSPENSION_REASON = 'Sending is suspended for this domain';
/**
 * An unverified sending domain. Mailtrap publishes no payload wording for these; the emulator
 * uses the words of analytics/statuses-and-events.md ("Email was sent from an unverified domain";
 * reject: "The domain in question was not verified in time after an initial suspension").
 */
export const UNVERIFIED_SUSPENSION_REASON = 'Email was sent from an unverified domain';
export const UNVERIFIED_REJECT_REASON = 'The domain was not verified in time after an initial suspension of the email';

export const suppressionReason = (type: string): string => `Recipient in suppression list. Reason: ${type}`;

/** A small stable hash so one message gets the same IP and user agent across its events. */
function pick<T>(list: readonly T[], key: string): T {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return list[Math.abs(h) % list.length];
}

export function buildEvent(event: PayloadEventName, ctx: EventContext, eventId: string, atMs: number, extras: EventExtras = {}): EventPayload {
  const p: EventPayload = {
    event,
    message_id: ctx.messageId,
    event_id: eventId,
    timestamp: Math.floor(atMs / 1000),
    email: ctx.email,
    sending_stream: ctx.stream,
    sending_domain_name: ctx.domainName,
  };
  if (ctx.category) p.category = ctx.category;
  if (ctx.customVariables && Object.keys(ctx.customVariables).length) p.custom_variables = ctx.customVariables;
  switch (event) {
    case 'bounce':
    case 'soft bounce': {
      const category = extras.category ?? (event === 'bounce' ? 'badrecipient' : 'greylisting');
      const answer = answerFor(category);
      p.response = answer.response(ctx.email);
      p.response_code = answer.code;
      p.bounce_category = category;
      break;
    }
    case 'reject':
      p.reason = extras.reason ?? DEFAULT_REJECT_REASON;
      break;
    case 'suspension':
      p.reason = extras.reason ?? DEFAULT_SUSPENSION_REASON;
      break;
    case 'open':
    case 'click':
    case 'unsubscribe':
      p.ip = extras.ip ?? pick(IPS, ctx.messageId);
      p.user_agent = extras.userAgent ?? pick(USER_AGENTS, ctx.messageId);
      if (event === 'click') p.url = extras.url ?? DEFAULT_CLICK_URL;
      break;
    case 'delivery':
    case 'spam':
      break;
  }
  return p;
}

/**
 * `JSON.stringify(p)` for a payload `buildEvent` made, byte for byte, as UTF-8 bytes written from
 * its fields in `buildEvent`'s order straight into the shared slab (jsonText.ts): every scheduled
 * lifecycle event is serialized once on its send's path. Walking the object with `JSON.stringify`
 * took ~1.8 µs an event; a string built from its fields ~1.1 µs, then ~0.4 µs more to encode it
 * (measured). Keep it in step with `buildEvent`: eventBuilder.test.ts checks every event type and
 * every optional field against `JSON.stringify`, as text and as bytes.
 */
export function payloadUtf8(p: EventPayload): Utf8Json {
  // Flat custom variables are written value by value; any others go through JSON.stringify.
  const customRoom = p.custom_variables === undefined ? 0 : flatObjectRoom(p.custom_variables);
  const custom = customRoom < 0 ? JSON.stringify(p.custom_variables) : undefined;
  // Room: 6 bytes a UTF-16 unit of a string at most (an escape), 3 of JSON text, the keys.
  let room = 400 + 6 * (p.event.length + p.message_id.length + p.event_id.length + p.email.length + p.sending_stream.length + p.sending_domain_name.length);
  if (p.category !== undefined) room += 6 * p.category.length;
  room += custom !== undefined ? 3 * custom.length : customRoom;
  if (p.response !== undefined) room += 6 * p.response.length;
  if (p.bounce_category !== undefined) room += 6 * p.bounce_category.length;
  if (p.reason !== undefined) room += 6 * p.reason.length;
  if (p.ip !== undefined) room += 6 * p.ip.length;
  if (p.user_agent !== undefined) room += 6 * p.user_agent.length;
  if (p.url !== undefined) room += 6 * p.url.length;
  writeBegin(room);
  writeAscii('{"event":');
  writeQuoted(p.event);
  writeAscii(',"message_id":');
  writeQuoted(p.message_id);
  writeAscii(',"event_id":');
  writeQuoted(p.event_id);
  writeAscii(',"timestamp":');
  writeNumber(p.timestamp);
  writeAscii(',"email":');
  writeQuoted(p.email);
  writeAscii(',"sending_stream":');
  writeQuoted(p.sending_stream);
  writeAscii(',"sending_domain_name":');
  writeQuoted(p.sending_domain_name);
  if (p.category !== undefined) {
    writeAscii(',"category":');
    writeQuoted(p.category);
  }
  if (p.custom_variables !== undefined) {
    writeAscii(',"custom_variables":');
    if (custom !== undefined) writeRaw(custom);
    else writeFlatObject(p.custom_variables);
  }
  if (p.response !== undefined) {
    writeAscii(',"response":');
    writeQuoted(p.response);
  }
  if (p.response_code !== undefined) {
    writeAscii(',"response_code":');
    writeNumber(p.response_code);
  }
  if (p.bounce_category !== undefined) {
    writeAscii(',"bounce_category":');
    writeQuoted(p.bounce_category);
  }
  if (p.reason !== undefined) {
    writeAscii(',"reason":');
    writeQuoted(p.reason);
  }
  if (p.ip !== undefined) {
    writeAscii(',"ip":');
    writeQuoted(p.ip);
  }
  if (p.user_agent !== undefined) {
    writeAscii(',"user_agent":');
    writeQuoted(p.user_agent);
  }
  if (p.url !== undefined) {
    writeAscii(',"url":');
    writeQuoted(p.url);
  }
  writeAscii('}');
  return writeEnd();
}
