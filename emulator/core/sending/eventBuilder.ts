/**
 * Builds Mailtrap's webhook payload objects (SPEC §3), field by field: the common fields, then
 * the per-type ones (`response`/`response_code`/`bounce_category` on bounces, `reason` on
 * reject/suspension, `ip`/`user_agent` on engagement, `url` on click). Absent optional fields
 * are omitted, never null. Values are plausible and stable for a given message, so a test or a
 * person reading them sees something that looks like Mailtrap's.
 */
import type { EventPayload } from '../events';
import type { PayloadEventName, SendingStream } from '../types';

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

export const DEFAULT_CLICK_URL = 'https://example.com/';
export const DEFAULT_REJECT_REASON = 'Sending to this recipient is blocked by policy';
export const DEFAULT_SUSPENSION_REASON = 'Sending is suspended for this domain';

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
      p.response = `550 5.1.1 <${ctx.email}>: Recipient address rejected: User unknown in virtual mailbox table`;
      p.response_code = 550;
      p.bounce_category = 'badrecipient';
      break;
    case 'soft bounce':
      p.response = `451 4.7.1 <${ctx.email}>: Recipient address rejected: Greylisted, please try again later`;
      p.response_code = 451;
      p.bounce_category = 'greylisting';
      break;
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
