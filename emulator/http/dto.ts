/**
 * Wire types of the emulator-only API (SPEC §4–§6): the contract between the emulator's HTTP
 * adapter and its clients (the VS Code extension imports these as types only).
 *
 * Conventions: times are virtual epoch milliseconds (`…At`), except payload `timestamp`s, which
 * are unix seconds as Mailtrap sends them. Lists are newest first and paginated with
 * `?before=<id>&limit=<n>` (default 50, at most 500); a list answers
 * `{ data: [...], next_before: <id>|null, total: <n> }`.
 */
import type { DeliveryKind, DeliveryStatus } from '../core/delivery/types';
import type { EventPayload } from '../core/events';
import type { EmailLogStatus } from '../core/logs/emailLog';
import type { PayloadEventName, PayloadFormat, SendingStream, WebhookEventType, WebhookType } from '../core/types';

export type { DeliveryKind, DeliveryStatus, EmailLogStatus, EventPayload };

// ---- POST /emulator/check {"url","secret","format"?,"timeout"?} | {"webhook_id"} → CheckReport (the endpoint check)
export type { CheckId, CheckReport, CheckResult } from '../core/check/types';

/** The ready line: the emulator's first stdout line, one JSON object (SPEC §1). */
export interface ReadyInfo {
  ready: true;
  http: string;
  httpPort: number;
  smtpPort: number;
  token: string;
  accountId: number;
  dataDir: string | null;
  /** Opens the web UI logged in: a one-time login link (`http://…/#login=<code>`, issue 15). */
  ui: string;
}

export interface Page<T> {
  data: T[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  next_before: number | null;
  total: number;
}

// ---- Mailtrap's management API (SPEC §4), as http/wire.ts renders it; also carried by the stream.
export interface DnsRecordDto {
  key: string;
  domain: string;
  type: string;
  value: string;
  status: string;
  name: string;
}
export interface DomainDto {
  id: number;
  domain_name: string;
  demo: boolean;
  compliance_status: string;
  dns_verified: boolean;
  dns_verified_at: string | null;
  dns_records: DnsRecordDto[];
  open_tracking_enabled: boolean;
  click_tracking_enabled: boolean;
  tracking_opt_out_enabled: boolean;
  auto_unsubscribe_link_enabled: boolean;
  custom_domain_tracking_enabled: boolean;
  health_alerts_enabled: boolean;
  critical_alerts_enabled: boolean;
  alert_recipient_email: string | null;
  inbound_enabled: boolean;
  inbound_verified: boolean;
  permissions: { can_read: boolean; can_update: boolean; can_destroy: boolean };
}
/** A webhook on get, list, update, delete and the stream: never with its secret. */
export interface WebhookDto {
  id: number;
  url: string;
  active: boolean;
  webhook_type: WebhookType;
  payload_format: PayloadFormat;
  sending_stream: SendingStream | null;
  domain_id: number | null;
  inbound_inbox_id: number | null;
  event_types: WebhookEventType[];
}
/** The create answer: the only time the signing secret is shown. */
export interface CreatedWebhookDto extends WebhookDto {
  signing_secret: string;
}

// ---- deliveries: GET /emulator/deliveries[?webhook_id&status&event&message_id&email&q&before&limit] → Page<DeliveryDto>
//      … &summary=true → Page<DeliverySummaryDto> (as the stream has them: no batch body, attempts without bodies)
//      GET /emulator/deliveries/{id} → {data: DeliveryDto}
//      POST /emulator/deliveries/{id}/resend [{"event_id": "…"}] → {data: DeliveryDto} (kind `resend`, attempted at once)

export interface AttemptDto {
  id: number;
  deliveryId: number;
  /** 1-based; the 41st attempt is the last with the default schedule. */
  number: number;
  startedAt: number;
  durationMs: number;
  request: {
    method: 'POST';
    /** Without the password of any basic-auth userinfo. */
    url: string;
    headers: Record<string, string>;
    body: string;
  };
  /** Null when no response arrived (timeout, refused, reset, DNS). */
  response: {
    status: number;
    headers: Record<string, string>;
    /** At most 64 KiB. */
    body: string;
    truncated: boolean;
  } | null;
  /** Why the attempt failed without a usable response ("timeout after 30 s", "ECONNREFUSED"), or a note like "status 500". */
  error: string | null;
  /** True only for HTTP 200. */
  ok: boolean;
}

export interface DeliveryDto {
  id: number;
  kind: DeliveryKind;
  webhookId: number;
  /** Without password. */
  webhookUrl: string;
  status: DeliveryStatus;
  payloadFormat: 'json' | 'jsonlines';
  eventCount: number;
  eventTypes: PayloadEventName[];
  /** Distinct message ids in the batch (at most 50 listed). */
  messageIds: string[];
  createdAt: number;
  attemptCount: number;
  /** When the next attempt is due; null when none is planned. */
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /** The exact body POSTed on every attempt (the detail view and the list include it; `summary=true` leaves it out). */
  body: string;
  attempts: AttemptDto[];
}

// ---- POST /emulator/webhooks/{id}/test
export interface WebhookTestResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** The stored delivery (kind `test`) holding this attempt. */
  deliveryId?: number;
}

// ---- sinks: PUT/GET/DELETE /emulator/sinks/{name} → {data: SinkDto} (DELETE: 204); GET /emulator/sinks → {data: SinkDto[]};
//      ANY /sink/{name}[/…] (no token). Sinks live in memory; `requests` are in arrival order, the last 1000 kept.
export interface SinkResponseScript {
  status?: number;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
  /** Never answer (the emulator's own timeout ends the attempt). */
  hang?: boolean;
  body?: string;
  headers?: Record<string, string>;
}
export interface SinkScript {
  /** Used in order; after the last, the last repeats (or the list cycles with `repeat: "cycle"`). */
  responses: SinkResponseScript[];
  repeat?: 'last' | 'cycle';
}
export interface SinkRequestDto {
  id: number;
  receivedAt: number;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  /** Status the sink answered (null if it hung). */
  answeredStatus: number | null;
}
export interface SinkDto {
  name: string;
  /** The URL to register as a webhook. */
  url: string;
  script: SinkScript | null;
  requests: SinkRequestDto[];
}

// ---- messages: GET /emulator/messages[?email&before&limit], GET /emulator/messages/{id}
//      GET /emulator/messages/{id}/html?token=… (for a browser: tracked HTML with live links)
export interface MessageSummaryDto {
  id: string;
  createdAt: number;
  stream: 'transactional' | 'bulk';
  from: string;
  subject: string | null;
  category: string | null;
  recipients: string[];
  /** Events recorded so far for this message, by type. */
  eventCounts: Partial<Record<PayloadEventName, number>>;
  /** The status Mailtrap's Email Logs show for it (core/logs/emailLog.ts `deriveStatus`). */
  status: EmailLogStatus;
}
export interface MessageDto extends MessageSummaryDto {
  headers: Record<string, string>;
  text: string | null;
  /** HTML as stored, with tracking pixel and rewritten links when tracking is on. */
  html: string | null;
  customVariables: Record<string, unknown> | null;
  attachments: { filename: string; type: string | null; size: number }[];
  events: EventPayload[];
}

// ---- events: GET /emulator/events[?webhook_id&type&message_id&email&before&limit] → Page<EventDto>
//      POST /emulator/events {"type": "bounce", "message_id"?: "…", "email"?: "…", "overrides"?: {...}} → {data: EventPayload}
//      POST /emulator/replay {"events":[…], "keep_ids"?: bool} or JSON Lines (?keep_ids=true) → {data: ReplayResult}
export interface EventDto {
  id: number;
  recordedAt: number;
  payload: EventPayload;
}
export interface ReplayResult {
  recorded: number;
  event_ids: string[];
}

// ---- GET /emulator/clock → ClockDto; POST /emulator/clock/advance {"seconds": N} → ClockAdvanceDto & {clock: ClockDto}
export interface ClockDto {
  /** Virtual epoch ms. */
  now: number;
  iso: string;
  unix: number;
  /** Virtual seconds per real second. */
  scale: number;
  pendingTimers: number;
  nextDue: number | null;
}
export interface ClockAdvanceDto {
  from: number;
  to: number;
  /** Timers fired by the jump. */
  fired: number;
}

// ---- GET /emulator/status
export interface StatusDto {
  accountId: number;
  dataDir: string | null;
  httpPort: number;
  smtpPort: number;
  clock: ClockDto;
  /** Batches waiting for a first attempt or a retry. */
  pendingDeliveries?: number;
}


// ---- GET /emulator/stream: Server-Sent Events, `event:` a StreamEventName, `data:` its payload as JSON.
//      A new event is added here first; the stream route's exhaustive switch (http/stream.ts) and the
//      run-time guards (http/streamGuards.ts) then fail to compile until they handle it.

/** An attempt as the stream announces it: no request or response body. */
export interface AttemptSummaryDto extends Omit<AttemptDto, 'request' | 'response'> {
  request: Omit<AttemptDto['request'], 'body'>;
  response: Omit<NonNullable<AttemptDto['response']>, 'body'> | null;
}
/** A delivery as the stream announces it: no batch body, attempts without bodies (a 500-event batch stays small). */
export interface DeliverySummaryDto extends Omit<DeliveryDto, 'body' | 'attempts'> {
  attempts: AttemptSummaryDto[];
}
/** A send committed: one per request (API or SMTP), not per recipient. */
export interface MessageCreatedDto {
  messageIds: string[];
  stream: SendingStream;
  from: string;
  subject: string | null;
  category: string | null;
  createdAt: number;
}
/** A batch's last attempt failed: it was dropped and `webhook` (as it is now, paused) stopped receiving events. */
export interface WebhookPausedDto {
  webhook: WebhookDto;
  deliveryId: number;
  attempts: number;
  lastError: string | null;
}
/** A request reached `/sink/{sink}` and was answered (`answeredStatus` null: scripted to hang). */
export interface SinkRequestEventDto {
  sink: string;
  request: Omit<SinkRequestDto, 'body'>;
}

export interface StreamEventMap {
  /** The first event of every connection. */
  hello: { clock: ClockDto };
  'domain.created': DomainDto;
  'domain.updated': DomainDto;
  'domain.deleted': DomainDto;
  'webhook.created': WebhookDto;
  'webhook.updated': WebhookDto;
  'webhook.deleted': WebhookDto;
  'webhook.paused': WebhookPausedDto;
  /** Events recorded (by a send's lifecycle, a trigger or a replay): announced by count and store ids. */
  'events.recorded': { count: number; ids: number[] };
  'message.created': MessageCreatedDto;
  /** A batch, resend or test delivery was made. */
  'delivery.created': DeliverySummaryDto;
  /** A delivery's attempt ended (retrying, delivered, failed) or it was cancelled. */
  'delivery.updated': DeliverySummaryDto;
  'clock.advanced': ClockAdvanceDto;
  'sink.request': SinkRequestEventDto;
}
export type StreamEventName = keyof StreamEventMap;
/** One stream event, tagged: `switch (m.name)` narrows `m.data`. */
export type StreamMessage<K extends StreamEventName = StreamEventName> = { [P in K]: { name: P; data: StreamEventMap[P] } }[K];

// ---- web UI (issue 15): POST /emulator/ui/login → {url} (a fresh one-time login link);
//      GET /emulator/samples → {data: SampleDto[]}; GET /emulator/samples/{name} → the sample's text.
//      Public: GET / (the app), GET /ui/inspector|form|message (frames), GET /ui/assets/{file},
//      POST /ui/session {"code"|"token"} → 204 + session cookie, POST /ui/logout.
export interface SampleDto {
  name: string;
  format: 'json' | 'jsonlines';
  bytes: number;
}
