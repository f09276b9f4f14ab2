/**
 * The public types of `mailtrap-webhooks-emulator` (the library). Self-contained on purpose: they
 * ship as declarations without the emulator's sources; test/unit/lib/types.test.ts pins each wire
 * shape here to the emulator's own DTO, so they cannot drift apart.
 */

export type SendingStream = 'transactional' | 'bulk';
export type PayloadFormat = 'json' | 'jsonlines';
/** Event types as the webhooks API spells them. */
export type WebhookEventType = 'delivery' | 'soft_bounce' | 'bounce' | 'suspension' | 'unsubscribe' | 'open' | 'spam_complaint' | 'click' | 'reject';
/** Event names as payloads spell them (note the space in `soft bounce`). */
export type PayloadEventName = 'delivery' | 'soft bounce' | 'bounce' | 'suspension' | 'unsubscribe' | 'open' | 'spam' | 'click' | 'reject';

export interface StartOptions {
  /** Keep everything in memory (default), or use a data directory that survives restarts. */
  dataDir?: string;
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** SMTP port; 0 (default) picks a free one. */
  smtpPort?: number;
  /** API token; generated when absent. */
  token?: string;
  /** Virtual seconds per real second (default 1; the clock still moves only by `clock.advance` in a quick test). */
  timeScale?: number;
  /** Seconds between a webhook's batch flushes (Mailtrap: 30). */
  batchInterval?: number;
  /** Most events per POST (Mailtrap: 500). */
  batchMax?: number;
  /** Retries after a failed attempt (Mailtrap: 40). */
  retries?: number;
  /** Seconds between attempts (Mailtrap: 300). */
  retryInterval?: number;
  /** Seconds an attempt may take (Mailtrap: 30). */
  timeout?: number;
  /** Further command-line flags of `mailtrap-emulator`. */
  args?: string[];
  /** Each log line of the emulator (JSON, one object a line). */
  onLog?: (line: string) => void;
  /** Milliseconds to wait for the emulator to be ready (default 20000). */
  startTimeout?: number;
}

export interface Address {
  email: string;
  name?: string;
}

/** A message in the shape of Mailtrap's Send API (`POST /api/send`). */
export interface Mail {
  from: Address;
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  reply_to?: Address;
  subject?: string;
  text?: string;
  html?: string;
  attachments?: { content: string; filename: string; type?: string; disposition?: 'attachment' | 'inline'; content_id?: string }[];
  headers?: Record<string, string>;
  category?: string;
  custom_variables?: Record<string, string | number | boolean>;
  template_uuid?: string;
  template_variables?: Record<string, unknown>;
}

export interface SendResult {
  success: true;
  /** One per recipient: to, cc, bcc in that order. */
  message_ids: string[];
}

export interface Domain {
  id: number;
  domain_name: string;
  [field: string]: unknown;
}

/** `createWebhook`'s input: Mailtrap's webhook fields; only `url` is required here. */
export interface WebhookOptions {
  url: string;
  /** Default: every type. */
  event_types?: WebhookEventType[];
  /** Default: json. */
  payload_format?: PayloadFormat;
  /** Default: transactional. */
  sending_stream?: SendingStream;
  /** Default: every domain. */
  domain_id?: number | null;
  active?: boolean;
}

export interface Webhook {
  id: number;
  url: string;
  active: boolean;
  webhook_type: string;
  payload_format: PayloadFormat;
  sending_stream: SendingStream | null;
  domain_id: number | null;
  event_types: WebhookEventType[];
  /** Only in the create response. */
  signing_secret?: string;
}

/** A webhook payload event, exactly as Mailtrap sends it. */
export interface EventPayload {
  event: PayloadEventName;
  message_id: string;
  event_id: string;
  /** Unix seconds on the virtual clock. */
  timestamp: number;
  email: string;
  sending_stream: SendingStream;
  sending_domain_name: string;
  category?: string;
  custom_variables?: Record<string, unknown>;
  response?: string;
  response_code?: number;
  bounce_category?: string;
  reason?: string;
  ip?: string;
  user_agent?: string;
  url?: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled';

export interface Attempt {
  id: number;
  deliveryId: number;
  number: number;
  startedAt: number;
  durationMs: number;
  request: { method: 'POST'; url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string; truncated: boolean } | null;
  error: string | null;
  ok: boolean;
}

/** A batch POSTed (or to be POSTed) to a webhook, with its attempts. */
export interface Delivery {
  id: number;
  kind: 'batch' | 'resend' | 'test';
  webhookId: number;
  webhookUrl: string;
  status: DeliveryStatus;
  payloadFormat: PayloadFormat;
  eventCount: number;
  eventTypes: PayloadEventName[];
  messageIds: string[];
  createdAt: number;
  attemptCount: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  body: string;
  attempts: Attempt[];
}

export interface DeliveryFilter {
  webhook_id?: number;
  /** Payload spelling (`bounce`, `soft bounce`) or the webhooks API's (`soft_bounce`). */
  event?: PayloadEventName | WebhookEventType;
  message_id?: string;
  email?: string;
  /** Default for `waitForDelivery`: `delivered`. */
  status?: DeliveryStatus;
}

/** One scripted answer of a sink. */
export interface SinkAnswer {
  status?: number;
  delayMs?: number;
  hang?: boolean;
  body?: string;
  headers?: Record<string, string>;
}

export interface SinkRequest {
  id: number;
  receivedAt: number;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  answeredStatus: number | null;
}

/** The built-in receiver `/sink/{name}`: register `url` as a webhook URL, script its answers, read what it got. */
export interface Sink {
  readonly name: string;
  readonly url: string;
  /** Answers in order; after the last, the last repeats (`repeat: 'cycle'` starts over). */
  script(answers: SinkAnswer[], options?: { repeat?: 'last' | 'cycle' }): Promise<void>;
  requests(): Promise<SinkRequest[]>;
  /** The events of every batch it received, in order. */
  events(): Promise<EventPayload[]>;
  clear(): Promise<void>;
}

export interface ClockInfo {
  now: number;
  iso: string;
  unix: number;
  scale: number;
  pendingTimers: number;
  nextDue: number | null;
}

export interface Clock {
  /** Jump ahead by seconds or a duration ("90s", "5m", "1h30m", "2d"), firing everything due on the way, in order. */
  advance(by: number | string): Promise<ClockInfo>;
  info(): Promise<ClockInfo>;
}

export type CheckId = 'status-200' | 'latency' | 'event-types' | 'batch-500' | 'format' | 'redelivery' | 'signature';

export interface CheckResult {
  id: CheckId;
  ok: boolean;
  severity: 'required' | 'warning';
  detail: string;
  /** How to fix it; only on a failed check. */
  fix?: string;
}

export interface CheckReport {
  /** True when no required check failed (a failed warning does not count). */
  ok: boolean;
  checks: CheckResult[];
}

export interface CheckOptions {
  /** The webhook's signing secret. */
  secret: string;
  format?: PayloadFormat;
  /** Seconds (default 30). */
  timeout?: number;
}

export interface Emulator {
  /** The API's origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly httpPort: number;
  readonly smtpPort: number;
  /** Bearer token of the API; SMTP password for user `api`. */
  readonly token: string;
  readonly accountId: number;
  /** The emulator's process id. */
  readonly pid: number;
  readonly clock: Clock;
  /**
   * A sending domain, verified unless `verified: false` (Mailtrap creates domains unverified, and
   * suspends mail from them until their DNS checks pass: `verified: false` tests that path).
   */
  createDomain(domainName: string, options?: { verified?: boolean }): Promise<Domain>;
  /** The created webhook, with its `signing_secret`. */
  createWebhook(options: WebhookOptions): Promise<Webhook & { signing_secret: string }>;
  send(mail: Mail, options?: { stream?: SendingStream }): Promise<SendResult>;
  sink(name: string): Sink;
  deliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  /** Resolves with the newest matching delivery once there is one (status `delivered` unless told), polling in real time. */
  waitForDelivery(filter?: DeliveryFilter, options?: { timeout?: number }): Promise<Delivery>;
  /** The endpoint check (`POST /emulator/check`). */
  checkEndpoint(url: string, options: CheckOptions): Promise<CheckReport>;
  /** Any route of the emulator's API, with the token. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the emulator process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}
