/** A new delivery record from its events (or a batch cut from a queue) and fixed body, and the per-event keys the inspection filters use. */
import type { EventPayload } from '../events';
import type { PayloadEventName, PayloadFormat } from '../types';
import type { Delivery, DeliveryEventKey, DeliveryKind, QueuedBatch } from './types';

/** How many distinct message ids a delivery lists. */
export const MAX_MESSAGE_IDS = 50;

/** Pending, due at `now`, no attempts yet; `events` are the delivery's events' keys (see `eventKeys`). */
export function newDelivery(
  kind: DeliveryKind,
  webhookId: number,
  webhookUrl: string,
  format: PayloadFormat,
  events: readonly DeliveryEventKey[],
  body: Delivery['body'],
  now: number,
): Omit<Delivery, 'id'> {
  // One pass: the distinct types, and the first MAX_MESSAGE_IDS distinct message ids, in order.
  const types = new Set<PayloadEventName>();
  const messageIds = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    types.add(e.type);
    if (messageIds.size < MAX_MESSAGE_IDS) messageIds.add(e.messageId);
  }
  return pending(kind, webhookId, webhookUrl, format, events.length, [...types], [...messageIds], body, now);
}

/** A batch the engine cut from a webhook's queue, as `newDelivery` makes a delivery. */
export function newBatch(webhookId: number, webhookUrl: string, format: PayloadFormat, batch: QueuedBatch, now: number): Omit<Delivery, 'id'> {
  return pending('batch', webhookId, webhookUrl, format, batch.eventRowIds.length, batch.types, batch.messageIds, batch.body, now);
}

function pending(
  kind: DeliveryKind,
  webhookId: number,
  webhookUrl: string,
  format: PayloadFormat,
  eventCount: number,
  eventTypes: PayloadEventName[],
  messageIds: string[],
  body: Delivery['body'],
  now: number,
): Omit<Delivery, 'id'> {
  return {
    kind,
    webhookId,
    webhookUrl,
    status: 'pending',
    payloadFormat: format,
    eventCount,
    eventTypes,
    messageIds,
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
