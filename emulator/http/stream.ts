/**
 * Core events → the stream's wire messages (dto.ts `StreamEventMap`). One case per bus event; an
 * event added to the core bus without a case here fails to compile at `unmapped(m)`, naming it.
 */
import type { BusMessage, CoreEventMap } from '../core/bus';
import { deliveryToStreamDto } from './deliveryWire';
import type { StreamMessage } from './dto';
import { domainToWire, webhookToWire } from './wire';

export function toStreamMessage(m: BusMessage<CoreEventMap>): StreamMessage {
  switch (m.name) {
    case 'domain.created':
    case 'domain.updated':
    case 'domain.deleted':
      return { name: m.name, data: domainToWire(m.payload) };
    case 'webhook.created':
    case 'webhook.updated':
    case 'webhook.deleted':
      return { name: m.name, data: webhookToWire(m.payload) };
    case 'webhook.paused': {
      const { webhook, deliveryId, attempts, lastError } = m.payload;
      return { name: m.name, data: { webhook: webhookToWire(webhook), deliveryId, attempts, lastError } };
    }
    // A 500-event recording is announced by count and ids: the stream stays small.
    case 'events.recorded':
      return { name: m.name, data: { count: m.payload.ids.length, ids: m.payload.ids } };
    case 'message.created': {
      const { messageIds, stream, from, subject, category, createdAt } = m.payload;
      return { name: m.name, data: { messageIds, stream, from, subject, category, createdAt } };
    }
    case 'delivery.created':
    case 'delivery.updated':
      return { name: m.name, data: deliveryToStreamDto(m.payload) };
    case 'clock.advanced': {
      const { from, to, fired } = m.payload;
      return { name: m.name, data: { from, to, fired } };
    }
    default:
      return unmapped(m);
  }
}

function unmapped(m: never): never {
  throw new Error(`bus event without a stream mapping: ${JSON.stringify(m)}`);
}

/** One Server-Sent Events frame. */
export function sseFrame(m: StreamMessage): string {
  return `event: ${m.name}\ndata: ${JSON.stringify(m.data)}\n\n`;
}
