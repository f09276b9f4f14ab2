/** A new delivery record from its events and fixed body, and the per-event keys the inspection filters use. */
import type { EventPayload } from '../events';
import type { PayloadEventName, PayloadFormat } from '../types';
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
  // One pass: the distinct types, and the first MAX_MESSAGE_IDS distinct message ids, in order.
  const types = new Set<PayloadEventName>();
  const messageIds = new Set<string>();
  for (const e of events) {
    types.add(e.type);
    if (messageIds.size < MAX_MESSAGE_IDS) messageIds.add(e.messageId);
  }
  return {
    kind,
    webhookId,
    webhookUrl,
    status: 'pending',
    payloadFormat: format,
    eventCount: events.length,
    eventTypes: [...types],
    messageIds: [...messageIds],
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
