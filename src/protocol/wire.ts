/** Mailtrap management API shapes the extension reads (SPEC §4), shared by the host and the webviews. */
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

/** Payload spellings (`soft bounce`, `spam`), used by the trigger command and inspector filters. */
export const PAYLOAD_EVENT_NAMES = ['delivery', 'soft bounce', 'bounce', 'suspension', 'unsubscribe', 'open', 'spam', 'click', 'reject'] as const;

export interface DomainWire {
  id: number;
  domain_name: string;
  open_tracking_enabled?: boolean;
  click_tracking_enabled?: boolean;
}

export interface WebhookWire {
  id: number;
  url: string;
  active: boolean;
  webhook_type: string;
  payload_format: 'json' | 'jsonlines';
  sending_stream: 'transactional' | 'bulk' | null;
  domain_id: number | null;
  event_types: WebhookEventType[];
  /** Only in the create response. */
  signing_secret?: string;
}

export interface WebhookInput {
  url: string;
  active: boolean;
  payload_format: 'json' | 'jsonlines';
  sending_stream: 'transactional' | 'bulk';
  domain_id?: number | null;
  event_types: WebhookEventType[];
}
