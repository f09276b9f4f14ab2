/**
 * Email Logs as Mailtrap keeps them: one entry per message (per recipient), with a status derived
 * from its events, and its events in the email-logs spelling.
 *
 * Sources: `mailtrap/mailtrap-docs` `documentation/email-api-smtp/analytics/statuses-and-events.md`
 * (statuses and which events lead to them) and `mailtrap/mailtrap-openapi`
 * `specs/email-sending.openapi.yml` (`EmailLogsListFilters`, `MessageEvent`).
 */
import type { PayloadEventName, SendingStream } from '../types';

export const EMAIL_LOG_STATUSES = ['delivered', 'not_delivered', 'enqueued', 'opted_out'] as const;
export type EmailLogStatus = (typeof EMAIL_LOG_STATUSES)[number];

/** Event types as the email-logs API spells them (`soft_bounce`, but `spam`, not `spam_complaint`). */
export const EMAIL_LOG_EVENT_TYPES = ['delivery', 'open', 'click', 'bounce', 'spam', 'unsubscribe', 'soft_bounce', 'reject', 'suspension'] as const;
export type EmailLogEventType = (typeof EMAIL_LOG_EVENT_TYPES)[number];

export const toEmailLogEventType = (e: PayloadEventName): EmailLogEventType => (e === 'soft bounce' ? 'soft_bounce' : e);
export const fromEmailLogEventType = (e: EmailLogEventType): PayloadEventName => (e === 'soft_bounce' ? 'soft bounce' : e);

/**
 * The status after these events (oldest first), as Mailtrap derives it: no outcome yet, a soft
 * bounce or a suspension (still being retried) → `enqueued`; the latest of `delivery` /
 * `bounce` / `reject` decides `delivered` or `not_delivered`; an unsubscribe or a spam complaint
 * makes it `opted_out` for good (the delivery stays in its history). Opens and clicks change
 * nothing. The store's SQL (`emailLogRepository.ts`) implements the same rule for filtering.
 */
export function deriveStatus(events: readonly PayloadEventName[]): EmailLogStatus {
  let status: EmailLogStatus = 'enqueued';
  for (const e of events) {
    if (e === 'spam' || e === 'unsubscribe') return 'opted_out';
    if (e === 'delivery') status = 'delivered';
    else if (e === 'bounce' || e === 'reject') status = 'not_delivered';
  }
  return status;
}

/** Case-insensitive text operators (`ci_*`), plus `empty` / `not_empty` for subjects. */
export type TextOperator = 'ci_contain' | 'ci_not_contain' | 'ci_equal' | 'ci_not_equal' | 'empty' | 'not_empty';
export interface TextFilter {
  op: TextOperator;
  /** Any of these (ci_equal), none of these (ci_not_equal); contain uses them the same way. */
  values: string[];
}
/** `equal` (any of) or `not_equal` (none of); `include_event` / `not_include_event` likewise. */
export interface SetFilter<T> {
  negate: boolean;
  values: T[];
}
export interface NumberFilter {
  op: 'equal' | 'greater_than' | 'less_than';
  value: number;
}

/** The spec's `EmailLogsListFilters`, validated. Unknown or invalid filters never get here (the spec: ignored). */
export interface EmailLogFilter {
  /** Virtual epoch ms, inclusive. */
  sentAfter?: number;
  sentBefore?: number;
  to?: TextFilter;
  from?: TextFilter;
  subject?: TextFilter;
  status?: SetFilter<EmailLogStatus>;
  events?: SetFilter<PayloadEventName>;
  clicksCount?: NumberFilter;
  opensCount?: NumberFilter;
  clientIp?: TextFilter;
  sendingIp?: TextFilter;
  espResponse?: TextFilter;
  esp?: SetFilter<string>;
  recipientMx?: TextFilter;
  category?: SetFilter<string>;
  domainIds?: SetFilter<number>;
  streams?: SetFilter<SendingStream>;
  /** Exact message ids (the service's own lookups). */
  messageIds?: string[];
}

/** One message as the email log lists it. */
export interface EmailLogEntry {
  seq: number;
  messageId: string;
  email: string;
  createdAt: number;
  sendId: number;
  stream: SendingStream;
  domainName: string;
  /** Null when the sending domain has been deleted since. */
  domainId: number | null;
  from: string;
  subject: string | null;
  category: string | null;
  customVariables: Record<string, unknown> | null;
  templateVariables: Record<string, unknown> | null;
  /** The sender's own headers (SMTP: every header of the message as received). */
  headers: Record<string, string>;
  status: EmailLogStatus;
  opensCount: number;
  clicksCount: number;
}

export interface StatsQuery {
  /** Virtual epoch ms: [startMs, endMs). */
  startMs: number;
  endMs: number;
  domainNames?: string[];
  streams?: SendingStream[];
  categories?: string[];
}

/** Messages counted per (UTC day, domain, category, stream, recipient domain). */
export interface StatsBucket {
  day: string;
  domainName: string;
  category: string | null;
  stream: SendingStream;
  recipientDomain: string;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
  spam: number;
}

export interface EmailLogRepository {
  /** Newest first; `beforeSeq` pages. */
  list(filter: EmailLogFilter, page: { beforeSeq?: number; limit: number }): EmailLogEntry[];
  count(filter: EmailLogFilter): number;
  seqOf(messageId: string): number | undefined;
  statsBuckets(q: StatsQuery): StatsBucket[];
}

/** What the emulator reports for IPs it does not have: it is the client and the MTA, on loopback. */
export const EMULATOR_IP = '127.0.0.1';
