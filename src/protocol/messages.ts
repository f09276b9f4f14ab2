/**
 * The webview ⇄ extension protocol (pure types, imported by both sides). The webview posts
 * `ready` first; the host answers with `init`. Each request carries an id answered by exactly one
 * `response` or `error` with that id. The host pushes live changes as `event`s.
 */
import type { DeliveryDto, DeliverySummaryDto, MessageDto, Page } from '../../emulator/http/dto';
import type { DomainWire, WebhookInput, WebhookWire } from './wire';

export type FromWebview =
  | { type: 'ready' }
  | { type: 'request'; id: number; method: string; params: unknown };

/** What a panel's host pushes to its webview: event name → data. */
export type EventMap<E> = { [K in keyof E]: unknown };

/** One pushed event, tagged: a handler for `name` gets that name's data type. */
export type PushedEvent<E extends EventMap<E>, K extends keyof E = keyof E> = { [P in K]: { type: 'event'; name: P; data: E[P] } }[K];

export type ToWebview<E extends EventMap<E> = Record<never, never>> =
  | { type: 'init'; data: unknown }
  | { type: 'response'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; fields?: Record<string, string[]> }
  | PushedEvent<E>;

/** Values of the webhook form; the URL is assembled from url + basic auth + token. */
export interface WebhookFormValues extends Omit<WebhookInput, 'url'> {
  url: string;
  username: string;
  password: string;
  token: string;
}

export interface FormInit {
  kind: 'domain' | 'webhook';
  domains: DomainWire[];
  /** Set when editing. */
  webhook?: WebhookWire;
  /** Preselected domain for a new webhook. */
  domainId?: number | null;
  /** A URL suggestion for new webhooks (the built-in sink). */
  sinkUrl?: string;
}

export interface FormMethods {
  /** `verified` (default true): mark its DNS verified right after creating it. */
  'domain.create': { params: { domainName: string; verified?: boolean }; result: DomainWire };
  'webhook.save': { params: WebhookFormValues & { id?: number }; result: { webhook: WebhookWire; signingSecret?: string } };
  'clipboard.write': { params: { text: string }; result: null };
  'panel.close': { params: Record<string, never>; result: null };
}

export interface DeliveryFilter {
  webhook_id?: number;
  status?: string;
  event?: string;
  /** Free text: part of an email or domain, a message id prefix, a batch id. */
  search?: string;
}

export interface InspectorInit {
  webhooks: WebhookWire[];
  filter: DeliveryFilter;
  /** A batch to select at once (a failed webhook test, the message timeline's jump to a batch). */
  select?: number;
  /** The emulator's API URL, so webhook URLs on it show by their path. */
  self?: string;
}

export interface InspectorMethods {
  /** The list's rows: summaries (no bodies), as the stream pushes them; `delivery.get` has the whole batch. */
  'deliveries.list': { params: { filter: DeliveryFilter; before?: number; limit?: number }; result: Page<DeliverySummaryDto> };
  'delivery.get': { params: { id: number }; result: DeliveryDto };
  /** The new batch (kind `resend`) and what happened, for the webview to select and say. */
  'delivery.resend': { params: { id: number }; result: { id: number; note: string } };
  /** `note` says what was copied; null when the user cancelled (basic auth: with or without the password). */
  'delivery.copyCurl': { params: { id: number; attempt?: number }; result: { note: string } | null };
  /** Copies the body exactly as sent and signed. */
  'delivery.copyBody': { params: { id: number }; result: { note: string } };
  'clipboard.write': { params: { text: string }; result: null };
}

/** Pushed by the host to the inspector: a delivery created or updated (as the stream has it, without bodies), the webhook list, a new filter, a batch to select, or a reset (emulator restarted; its API URL). */
export interface InspectorEvents {
  delivery: DeliverySummaryDto;
  webhooks: WebhookWire[];
  filter: DeliveryFilter;
  select: number;
  reset: string | null;
}

/** The message timeline: a message, its events (oldest first, in `message.events`) and the batches that carried them. */
export interface MessageTimeline {
  message: MessageDto;
  /** Batches with at least one of its events, newest first (bodies included). */
  deliveries: DeliveryDto[];
  /** event_id → ids of the batches whose body carries it (one per webhook, plus resends). */
  carriedBy: Record<string, number[]>;
  /** The emulator's virtual now (epoch ms). */
  now: number;
}

export interface MessagePanelInit {
  messageId: string;
}

export interface MessagePanelMethods {
  'message.load': { params: { id: string }; result: MessageTimeline };
  'message.openInBrowser': { params: { id: string }; result: null };
  'message.trigger': { params: { id: string }; result: null };
  'message.copyId': { params: { id: string }; result: null };
  'inspector.open': { params: { messageId: string; deliveryId?: number }; result: null };
}

/** Pushed to the timeline: show another message, or reload (its events or batches changed). */
export interface MessagePanelEvents {
  show: MessagePanelInit;
  changed: null;
}
