/** A new delivery record from its events and fixed body, and the per-event keys the inspection filters use. */
import { messageIdOfJson } from '../eventKeys';
import type { EventPayload } from '../events';
import type { PayloadEventName, PayloadFormat } from '../types';
import type { Delivery, DeliveryEventKey, DeliveryKind, QueuedEvent } from './types';

const MAX_MESSAGE_IDS = 50;

/** A queued event's message id is read off its JSON, for the few a batch lists. */
const messageIdOf = (e: DeliveryEventKey | QueuedEvent): string => ('messageId' in e ? e.messageId : messageIdOfJson(e.json));

/** Pending, due at `now`, no attempts yet; `events` are the batch's events' keys (see `eventKeys`), or its queued events. */
export function newDelivery(
  kind: DeliveryKind,
  webhookId: number,
  webhookUrl: string,
  format: PayloadFormat,
  events: readonly (DeliveryEventKey | QueuedEvent)[],
  body: Delivery['body'],
  now: number,
): Omit<Delivery, 'id'> {
  // One pass: the distinct types, and the first MAX_MESSAGE_IDS distinct message ids, in order.
  const types = new Set<PayloadEventName>();
  const messageIds = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    types.add(e.type);
    if (messageIds.size < MAX_MESSAGE_IDS) messageIds.add(messageIdOf(e));
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
