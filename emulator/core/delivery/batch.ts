/** A new delivery record from its events and fixed body, and the per-event keys the inspection filters use. */
import type { EventPayload } from '../events';
import type { PayloadFormat } from '../types';
import type { Delivery, DeliveryEventKey, DeliveryKind } from './types';

const MAX_MESSAGE_IDS = 50;

/** Pending, due at `now`, no attempts yet; `events` are the batch's events' keys (see `eventKeys`). */
export function newDelivery(
  kind: DeliveryKind,
  webhookId: number,
  webhookUrl: string,
  format: PayloadFormat,
  events: DeliveryEventKey[],
  body: string,
  now: number,
): Omit<Delivery, 'id'> {
  return {
    kind,
    webhookId,
    webhookUrl,
    status: 'pending',
    payloadFormat: format,
    eventCount: events.length,
    eventTypes: [...new Set(events.map((e) => e.type))],
    messageIds: [...new Set(events.map((e) => e.messageId))].slice(0, MAX_MESSAGE_IDS),
    createdAt: now,
    attemptCount: 0,
    nextAttemptAt: now,
    lastStatus: null,
    lastError: null,
    body,
    sourceId: null,
  };
}

export function eventKeys(events: EventPayload[]): DeliveryEventKey[] {
  return events.map((e) => ({ eventId: e.event_id, type: e.event, messageId: e.message_id, email: String(e.email).toLowerCase() }));
}
