/**
 * Wire types of the emulator-only API (SPEC §4–§6): the contract between the emulator's HTTP
 * adapter and its clients (the VS Code extension imports these as types only).
 *
 * Conventions: times are virtual epoch milliseconds (`…At`), except payload `timestamp`s, which
 * are unix seconds as Mailtrap sends them. Lists are newest first and paginated with
 * `?before=<id>&limit=<n>` (default 50, at most 500); a list answers
 * `{ data: [...], next_before: <id>|null, total: <n> }`.
 */
import type { EventPayload } from '../core/events';
import type { PayloadEventName } from '../core/types';

export type { EventPayload };

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

// ---- deliveries: GET /emulator/deliveries[?webhook_id&status&event&message_id&email&before&limit] → Page<DeliveryDto>
//      GET /emulator/deliveries/{id} → {data: DeliveryDto}
//      POST /emulator/deliveries/{id}/resend [{"event_id": "…"}] → {data: DeliveryDto} (kind `resend`, attempted at once)

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'cancelled';
/** `batch`: from the batcher; `resend`: a manual resend; `test`: the test button. */
export type DeliveryKind = 'batch' | 'resend' | 'test';

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
  /** The exact body POSTed on every attempt (detail view and list both include it). */
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

// ---- GET /emulator/status
export interface StatusDto {
  accountId: number;
  dataDir: string | null;
  httpPort: number;
  smtpPort: number;
  clock: { now: number; iso: string; unix: number; scale: number; pendingTimers: number; nextDue: number | null };
  /** Batches waiting for a first attempt or a retry. */
  pendingDeliveries?: number;
}

/**
 * GET /emulator/stream: Server-Sent Events. `event:` is one of these names, `data:` JSON.
 * Heavy payloads are summarised: `events.recorded` carries `{count, ids}`; delivery events carry DeliveryDto without body.
 */
export type StreamEventName =
  | 'hello'
  | 'domain.created'
  | 'domain.updated'
  | 'domain.deleted'
  | 'webhook.created'
  | 'webhook.updated'
  | 'webhook.deleted'
  | 'events.recorded'
  | 'message.created'
  | 'delivery.created'
  | 'delivery.updated'
  /** A batch's last attempt failed: `{webhookId, deliveryId, attempts, lastError}`; the webhook is now paused. */
  | 'webhook.paused'
  | 'clock.advanced';

// ---- web UI (issue 15): POST /emulator/ui/login → {url} (a fresh one-time login link);
//      GET /emulator/samples → {data: SampleDto[]}; GET /emulator/samples/{name} → the sample's text.
//      Public: GET / (the app), GET /ui/inspector|form (frames), GET /ui/assets/{file},
//      POST /ui/session {"code"|"token"} → 204 + session cookie, POST /ui/logout.
export interface SampleDto {
  name: string;
  format: 'json' | 'jsonlines';
  bytes: number;
}
