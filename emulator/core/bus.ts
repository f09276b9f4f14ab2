/**
 * Domain events the core emits after a change is committed. Adapters and other core parts
 * (delivery, the SSE stream) subscribe; storage never fires side effects itself.
 */
import type { DeliveryView } from './delivery/types';
import type { MessageCreated } from './sending/model';
import type { Domain, Webhook } from './types';

export interface CoreEventMap {
  'domain.created': Domain;
  'domain.updated': Domain;
  'domain.deleted': Domain;
  'webhook.created': Webhook;
  'webhook.updated': Webhook;
  'webhook.deleted': Webhook;
  'events.recorded': EventsRecorded;
  'message.created': MessageCreated;
  'clock.advanced': { from: number; to: number; fired: number };
  /** A batch, resend or test delivery was made (carries its attempts so far). */
  'delivery.created': DeliveryView;
  /** A delivery's status changed: an attempt ended, or it was cancelled. */
  'delivery.updated': DeliveryView;
  /** A batch's last attempt failed: it was dropped and the webhook paused (SPEC §5). `webhook` is as paused. */
  'webhook.paused': WebhookPaused;
}

/** A recording, by its events' store ids in order (`StoredEvent.id`): a replay's parts are gone by its commit. */
export interface EventsRecorded {
  ids: number[];
}

export interface WebhookPaused {
  webhook: Webhook;
  deliveryId: number;
  attempts: number;
  lastError: string | null;
}

export type CoreEventName = keyof CoreEventMap;

/** One event as a tagged value, so `switch (m.name)` narrows `m.payload` (no casts for listeners of every event). */
export type BusMessage<M, K extends keyof M = keyof M> = { [P in K]: { name: P; payload: M[P] } }[K];

export class EventBus<M extends object = CoreEventMap> {
  private readonly listeners = new Map<keyof M, Set<(p: never) => void>>();
  private readonly any = new Set<(m: BusMessage<M>) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  on<K extends keyof M>(name: K, fn: (payload: M[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (p: never) => void);
    return () => set!.delete(fn as (p: never) => void);
  }

  /** Every event, for streams that forward everything (SSE). */
  onAny(fn: (m: BusMessage<M>) => void): () => void {
    this.any.add(fn);
    return () => this.any.delete(fn);
  }

  /** Whether anyone would get `name` now: an emitter may skip building a costly payload when not. */
  listened(name: keyof M): boolean {
    return this.any.size > 0 || (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof M>(name: K, payload: M[K]): void {
    // A listener's failure must not undo or block the change that was already committed.
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        (fn as (p: M[K]) => void)(payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    const m: BusMessage<M, K> = { name, payload };
    for (const fn of this.any) {
      try {
        fn(m);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

export type CoreBus = EventBus<CoreEventMap>;
