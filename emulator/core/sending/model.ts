/** Types of the sending core: a validated mail, stored messages, scheduled events, suppressions. */
import type { Planned, ScheduledItem } from './lifecycle';
import type { PayloadEventName, SendingStream } from '../types';
import type { JsonText } from '../jsonText';

export interface Address {
  email: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  type: string | null;
  disposition: string | null;
  contentId: string | null;
  /** Decoded bytes. */
  content: Uint8Array;
}

/** A send request after validation: what both HTTP and SMTP hand to `ingest`. */
export interface Mail {
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  attachments: MailAttachment[];
  headers: Record<string, string>;
  category: string | null;
  customVariables: Record<string, unknown> | null;
  templateUuid: string | null;
  templateVariables: Record<string, unknown> | null;
}

export type RecipientKind = 'to' | 'cc' | 'bcc';

/** One stored message: Mailtrap gives every recipient its own message id. */
export interface StoredMessage {
  /** Store sequence (pagination cursor). */
  seq: number;
  id: string;
  sendId: number;
  email: string;
  kind: RecipientKind;
  createdAt: number;
}

/** The content of one send request, shared by its recipients' messages. */
export interface StoredSend {
  id: number;
  createdAt: number;
  stream: SendingStream;
  domainName: string;
  source: 'api' | 'smtp';
  mail: Omit<Mail, 'attachments'>;
  openTracking: boolean;
  clickTracking: boolean;
  attachments: { filename: string; type: string | null; size: number }[];
}

export interface ScheduledEvent {
  id: number;
  /** Virtual epoch ms. */
  dueAt: number;
  /** An event to record, or a check to decide (lifecycle.ts). */
  payload: ScheduledItem;
  /** `payload` as stored (JSON): an event recorded from this row keeps this very text. */
  json: JsonText;
}

export const SUPPRESSION_TYPES = ['hard bounce', 'spam complaint', 'unsubscription', 'manual import'] as const;
export type SuppressionType = (typeof SUPPRESSION_TYPES)[number];

/** `any` (manual adds only) blocks both streams (suppressions-list.md: "Add to stream … Any"). */
export type SuppressionStream = SendingStream | 'any';

export interface Suppression {
  id: string;
  seq: number;
  type: SuppressionType;
  email: string;
  domainName: string;
  sendingStream: SuppressionStream;
  createdAt: number;
  messageId: string | null;
  bounceCategory: string | null;
  espResponse: string | null;
}

/** Which events make a suppression, and of which type. */
export const SUPPRESSING_EVENTS: Partial<Record<PayloadEventName, SuppressionType>> = {
  bounce: 'hard bounce',
  spam: 'spam complaint',
  unsubscribe: 'unsubscription',
};

/**
 * Bounces suppress only in these categories: the "Adding to Suppressions: Yes" rows of
 * mailtrap/mailtrap-docs documentation/email-api-smtp/bounce-categorization.md.
 */
export const SUPPRESSING_BOUNCE_CATEGORIES: readonly string[] = ['timeout', 'badrecipient', 'overquota'];

export interface MessageRepository {
  insertSend(send: Omit<StoredSend, 'id' | 'attachments'>, attachments: MailAttachment[]): number;
  /** A send's recipients, in order. */
  insertMessages(ms: Omit<StoredMessage, 'seq'>[]): void;
  get(id: string): StoredMessage | undefined;
  getSend(id: number): StoredSend | undefined;
  /** Newest first; `beforeSeq` pages. */
  list(filter: { email?: string; beforeSeq?: number; limit: number }): StoredMessage[];
  count(filter: { email?: string }): number;
  latestForEmail(email: string): StoredMessage | undefined;
  /** Decoded bytes of a send's attachment (by position), for the raw message. */
  attachmentContent(sendId: number, position: number): Uint8Array | undefined;
}

export interface ScheduleRepository {
  insert(dueAt: number, payload: ScheduledItem): void;
  /** `json`, when given, is `JSON.stringify(item)` already. */
  insertMany(items: readonly Planned[]): void;
  /** Due at or before `at`, in due order. */
  due(at: number): ScheduledEvent[];
  /** Deletes every row due at or before `at`: exactly what `due(at)` returned in the same transaction. */
  deleteDue(at: number): void;
  nextDue(): number | null;
  /** The distinct due times of every pending row, ascending. */
  dueTimes(): number[];
  count(): number;
}

export interface SuppressionFilter {
  email?: string;
  /** Only those listed after this one (newest first: older ones). */
  beforeSeq?: number;
  /** Virtual ms, inclusive. */
  from?: number;
  to?: number;
  limit: number;
}

export interface SuppressionRepository {
  /** The suppression blocking a send on this domain and stream: one of that stream or `any`. */
  find(domainName: string, stream: SendingStream, email: string): Suppression | undefined;
  /** The one with exactly this domain, stream and address. */
  findExact(domainName: string, stream: SuppressionStream, email: string): Suppression | undefined;
  insert(s: Omit<Suppression, 'seq'>): void;
  /** Newest first. */
  list(filter: SuppressionFilter): Suppression[];
  get(id: string): Suppression | undefined;
  delete(id: string): void;
}

/** Announced on the bus after a send commits (one per request, not per recipient). */
export interface MessageCreated {
  messageIds: string[];
  stream: SendingStream;
  from: string;
  subject: string | null;
  category: string | null;
  createdAt: number;
}
