/** Mailtrap management API shapes the extension reads (SPEC §4), shared by the host and the webviews. */
// The event-type and delivery-status lists are defined once, in the emulator's core (modules of constants, type-only imports).
import type { WebhookEventType } from '../../emulator/core/types';

export { PAYLOAD_EVENT_NAMES, WEBHOOK_EVENT_TYPES } from '../../emulator/core/types';
export { DELIVERY_STATUSES } from '../../emulator/core/delivery/types';
export type { WebhookEventType };

export interface DomainWire {
  id: number;
  domain_name: string;
  open_tracking_enabled?: boolean;
  click_tracking_enabled?: boolean;
  /** False for a domain created through the API until it is marked verified (Mailtrap's fresh domain). */
  dns_verified?: boolean;
  compliance_status?: string;
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
