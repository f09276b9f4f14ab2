/** The message timeline's host-side handlers (no vscode: unit-tested); UI actions come in as callbacks. */
import type { DeliveryDto } from '../../emulator/http/dto';
import type { EmulatorApi } from '../emulator/apiClient';
import type { MessagePanelMethods, MessageTimeline } from '../protocol/messages';
import type { Handlers } from './rpcHost';

export interface MessageActions {
  openInBrowser(id: string): Promise<void>;
  trigger(id: string): Promise<void>;
  copy(text: string): Promise<void>;
  openInspector(messageId: string, deliveryId?: number): Promise<void>;
}

/** The event ids a batch body carries (`{"events":[…]}` or JSON Lines); none if it does not parse. */
export function eventIdsOf(d: Pick<DeliveryDto, 'body' | 'payloadFormat'>): string[] {
  const ids: string[] = [];
  const add = (e: unknown) => {
    const id = (e as { event_id?: unknown } | null)?.event_id;
    if (typeof id === 'string') ids.push(id);
  };
  try {
    if (d.payloadFormat === 'jsonlines') for (const line of d.body.split('\n')) line.trim() && add(JSON.parse(line));
    else for (const e of (JSON.parse(d.body) as { events?: unknown[] }).events ?? []) add(e);
  } catch {
    /* a body that is not ours (a test batch, a replay): carries nothing we can name */
  }
  return ids;
}

export async function loadTimeline(api: EmulatorApi, id: string): Promise<MessageTimeline> {
  const [message, page, status] = await Promise.all([
    api.getMessage(id),
    api.listDeliveries({ message_id: id, limit: 200 }),
    api.status().catch(() => undefined),
  ]);
  const mine = new Set(message.events.map((e) => e.event_id));
  const carriedBy: Record<string, number[]> = {};
  // Oldest batch first, so an event's first carrier is listed first.
  for (const d of [...page.data].reverse()) {
    for (const eventId of eventIdsOf(d)) if (mine.has(eventId)) (carriedBy[eventId] ??= []).push(d.id);
  }
  return { message, deliveries: page.data, carriedBy, now: status?.clock.now ?? Date.now() };
}

export function messageHandlers(api: () => EmulatorApi, actions: MessageActions): Handlers<MessagePanelMethods> {
  return {
    'message.load': ({ id }) => loadTimeline(api(), String(id)),
    'message.openInBrowser': async ({ id }) => {
      await actions.openInBrowser(String(id));
      return null;
    },
    'message.trigger': async ({ id }) => {
      await actions.trigger(String(id));
      return null;
    },
    'message.copyId': async ({ id }) => {
      await actions.copy(String(id));
      return null;
    },
    'inspector.open': async ({ messageId, deliveryId }) => {
      await actions.openInspector(String(messageId), typeof deliveryId === 'number' ? deliveryId : undefined);
      return null;
    },
  };
}
