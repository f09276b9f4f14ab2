/** Domain types shared by the core, the store and the adapters (wire shapes live in http/). */

export const SENDING_STREAMS = ['transactional', 'bulk'] as const;
export type SendingStream = (typeof SENDING_STREAMS)[number];

export const WEBHOOK_TYPES = ['email_sending', 'campaigns', 'audit_log', 'inbound_receiving'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const PAYLOAD_FORMATS = ['json', 'jsonlines'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** Event types as the webhooks API spells them. */
export const WEBHOOK_EVENT_TYPES = [
  'delivery',
  'soft_bounce',
  'bounce',
  'suspension',
  'unsubscribe',
  'open',
  'spam_complaint',
  'click',
  'reject',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Event names as they appear in payloads (note the space in `soft bounce`). */
export const PAYLOAD_EVENT_NAMES = [
  'delivery',
  'soft bounce',
  'bounce',
  'suspension',
  'unsubscribe',
  'open',
  'spam',
  'click',
  'reject',
] as const;
export type PayloadEventName = (typeof PAYLOAD_EVENT_NAMES)[number];

const TO_PAYLOAD: Record<WebhookEventType, PayloadEventName> = {
  delivery: 'delivery',
  soft_bounce: 'soft bounce',
  bounce: 'bounce',
  suspension: 'suspension',
  unsubscribe: 'unsubscribe',
  open: 'open',
  spam_complaint: 'spam',
  click: 'click',
  reject: 'reject',
};
const TO_API = Object.fromEntries(Object.entries(TO_PAYLOAD).map(([api, payload]) => [payload, api])) as Record<
  PayloadEventName,
  WebhookEventType
>;

export const toPayloadEventName = (t: WebhookEventType): PayloadEventName => TO_PAYLOAD[t];
export const toWebhookEventType = (e: PayloadEventName): WebhookEventType => TO_API[e];
/** Accepts either spelling; undefined for anything else. */
export function parseEventType(s: unknown): WebhookEventType | undefined {
  if (typeof s !== 'string') return undefined;
  if ((WEBHOOK_EVENT_TYPES as readonly string[]).includes(s)) return s as WebhookEventType;
  return TO_API[s as PayloadEventName];
}

export interface Domain {
  id: number;
  domainName: string;
  createdAt: number;
  openTrackingEnabled: boolean;
  clickTrackingEnabled: boolean;
  trackingOptOutEnabled: boolean;
  autoUnsubscribeLinkEnabled: boolean;
  inboundEnabled: boolean;
  /**
   * When DNS was (last) marked verified, virtual ms; null while unverified. A domain created
   * through the API starts unverified, as on Mailtrap; one auto-created by a send starts verified.
   */
  dnsVerifiedAt: number | null;
}

export interface Webhook {
  id: number;
  url: string;
  active: boolean;
  webhookType: WebhookType;
  payloadFormat: PayloadFormat;
  sendingStream: SendingStream | null;
  domainId: number | null;
  /** Only for `inbound_receiving` webhooks (Mailtrap's Inbound API); kept and echoed. */
  inboundInboxId: number | null;
  eventTypes: WebhookEventType[];
  signingSecret: string;
  createdAt: number;
  updatedAt: number;
}
