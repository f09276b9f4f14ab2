/**
 * Delivery domain types and the ports delivery needs (store, outbound HTTP). Field names match
 * the wire DTOs (http/dto.ts) so the HTTP adapter maps them one to one.
 */
import type { PayloadEventName, PayloadFormat } from '../types';

/** Every status a delivery can have, the one list (filters, the inspector, the stream's guard). */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** `batch`: from the batcher; `resend`: a manual resend; `test`: the test button. */
export const DELIVERY_KINDS = ['batch', 'resend', 'test'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
/** Statuses that still have attempts to make. */
export const OPEN_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying'];

export interface Delivery {
  id: number;
  kind: DeliveryKind;
  webhookId: number;
  /** Without the password of any userinfo. */
  webhookUrl: string;
  status: DeliveryStatus;
  payloadFormat: PayloadFormat;
  eventCount: number;
  eventTypes: PayloadEventName[];
  /** Distinct message ids, at most 50. */
  messageIds: string[];
  createdAt: number;
  attemptCount: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /**
   * The exact bytes POSTed on every attempt: as text, or as those bytes (UTF-8) where the engine
   * made them so (a batch it cut, until read back from the store; `bodyText` reads either). A
   * batch's 150 KB body as a string cost ~1 ms to make and kept the collector busy (issue 13).
   */
  body: string | Uint8Array;
  /** The delivery a resend was made from. */
  sourceId: number | null;
}

export interface Attempt {
  id: number;
  deliveryId: number;
  number: number;
  startedAt: number;
  durationMs: number;
  /** The request as sent, minus the body (always the delivery's body) and any password. */
  request: { method: 'POST'; url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string; truncated: boolean } | null;
  error: string | null;
  ok: boolean;
}

export interface DeliveryFilter {
  webhookId?: number;
  status?: DeliveryStatus;
  event?: PayloadEventName;
  messageId?: string;
  email?: string;
  /** Free text: part of an email or domain, a message id prefix, or a batch id (`#12`). */
  search?: string;
  beforeId?: number;
  limit?: number;
}

/**
 * A batch cut from the front of a webhook's queue (`queuedBatch`), made by the store from its queue
 * and its events as they keep them: no object an event is kept from its recording to its batch
 * (tens of thousands, copied by every young-generation collection meanwhile: issue 13), nor made
 * when the batch is cut.
 */
export interface QueuedBatch {
  /** The queue id of the last entry it covers: the entries up to it leave the queue with it. */
  through: number;
  /** Its events' rows, in queue order (an entry whose event is gone is passed over). */
  eventRowIds: number[];
  /** `bodyBytesFromJson` of their JSON: the bytes every attempt signs and sends. */
  body: Uint8Array;
  /** Each event's JSON length in bytes, in `body`. */
  lengths: Int32Array;
  /** Their types, each once, in order of first appearance. */
  types: PayloadEventName[];
  /** Their first `MAX_MESSAGE_IDS` distinct message ids, in order. */
  messageIds: string[];
}

export interface DeliveryEventKey {
  eventId: string;
  type: PayloadEventName;
  messageId: string;
  email: string;
}

export type DeliveryUpdate = Pick<Delivery, 'status' | 'attemptCount' | 'nextAttemptAt' | 'lastStatus' | 'lastError'>;

export interface DeliveryRepository {
  /** Queue rows in `entries` order with consecutive ids; returns the first id. */
  enqueue(entries: { webhookId: number; eventRowId: number }[], queuedAt: number): number;
  /**
   * A batch of the webhook's oldest queued events, at most `max` entries of its queue, in queue
   * order; undefined when its queue is empty. It leaves the queue only by `dequeue(through)`.
   * `upTo`: only entries with queue ids up to it (a `queueMark`).
   */
  queuedBatch(webhookId: number, max: number, format: PayloadFormat, upTo?: number): QueuedBatch | undefined;
  /** The newest queue id so far, of any webhook (ids only grow): entries queued later have greater ones. */
  queueMark(): number;
  /** Each webhook with queued events, and when its oldest was queued (the flush timers at start). */
  queuedWebhooks(): { webhookId: number; oldestQueuedAt: number }[];
  /** The webhook's queued events up to queue id `through` (its oldest) leave the queue. */
  dequeue(webhookId: number, through: number): void;
  clearQueue(webhookId: number): number;
  insert(d: Omit<Delivery, 'id'>, events: DeliveryEventKey[]): Delivery;
  /**
   * A batch of queued events, in queue order: `d.body` must be `bodyFromJson` of their JSON, or
   * its bytes (the store may rebuild it from their rows rather than store its bytes twice).
   */
  insertBatch(d: Omit<Delivery, 'id'>, batch: Pick<QueuedBatch, 'eventRowIds' | 'lengths'>): Delivery;
  get(id: number): Delivery | undefined;
  /**
   * `held` as it is now: only its state (`DeliveryUpdate`'s columns) is read, the rest never
   * changes (a batch's body, message ids, …, which a caller holding it saves reading again).
   * Undefined once it is gone.
   */
  refresh(held: Delivery): Delivery | undefined;
  update(id: number, u: DeliveryUpdate): void;
  /** Newest first. `body: false`: each `body` is '' (a summary's caller never reads it), which spares reading ~150 KB a batch. */
  list(f: DeliveryFilter, opts?: { body?: boolean }): Delivery[];
  count(f: DeliveryFilter): number;
  /** Deliveries with attempts still to make (pending, retrying). */
  open(webhookId?: number): Delivery[];
  openCount(): number;
  insertAttempt(a: Omit<Attempt, 'id'>): Attempt;
  attempts(deliveryId: number): Attempt[];
}

export interface SendRequest {
  /** May carry userinfo: the sender turns it into `Authorization: Basic` and strips it. */
  url: string;
  headers: Record<string, string>;
  /** What is POSTed: text (sent as UTF-8), or bytes (an attempt's: the ones it signed). */
  body: string | Uint8Array;
  signal: AbortSignal;
}

export interface SendResult {
  /** Null when no response arrived. */
  status: number | null;
  headers: Record<string, string>;
  /** At most 64 KiB of the response body. */
  body: string;
  truncated: boolean;
  /**
   * Why no whole response arrived (ECONNREFUSED, aborted, a body cut short by a reset, …); null
   * when one did. A status with an error is not a success: the receiver did not finish answering.
   */
  error: string | null;
  /** Real milliseconds the request took. */
  durationMs: number;
}

/** Outbound HTTP port: one POST, no redirects followed, never throws. */
export interface WebhookSender {
  send(req: SendRequest): Promise<SendResult>;
  /**
   * Resolves once the request of the `send` call made just before is written to its connection:
   * work that must not hold it back waits for this. Absent: at once.
   */
  written?(): Promise<void>;
  close(): Promise<void>;
}

/** A delivery with its attempts, as the inspection API and the bus show it. */
export type DeliveryView = Delivery & { attempts: Attempt[] };
