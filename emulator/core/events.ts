/**
 * Email events: Mailtrap's webhook payload objects, stored once and handed to consumers.
 *
 * `record()` is the one entry point for every event source (sending lifecycles, tracking hits,
 * trigger, replay). It stores the events and runs every consumer **inside the same
 * transaction**, so an event is never stored without being queued for delivery, or the reverse,
 * whatever moment the process dies at. After commit it emits `events.recorded` on the bus.
 */
import type { CoreBus } from './bus';
import type { Clock } from './clock';
import type { Random, UnitOfWork } from './ports';
import type { PayloadEventName, SendingStream } from './types';
import type { JsonText } from './jsonText';

/** One event exactly as Mailtrap POSTs it. Absent optional fields are omitted, never null. */
export interface EventPayload {
  event: PayloadEventName;
  message_id: string;
  event_id: string;
  /** Unix seconds on the virtual clock. */
  timestamp: number;
  email: string;
  sending_stream: SendingStream;
  sending_domain_name: string;
  category?: string;
  custom_variables?: Record<string, unknown>;
  /** bounce / soft bounce */
  response?: string;
  response_code?: number;
  bounce_category?: string;
  /** reject / suspension */
  reason?: string;
  /** open / click / unsubscribe */
  ip?: string;
  user_agent?: string;
  /** click */
  url?: string;
}

export interface StoredEvent {
  /** Store sequence number: increasing in recording order. */
  id: number;
  payload: EventPayload;
  /** Virtual epoch ms when it was recorded. */
  recordedAt: number;
  /** `payload` as JSON, exactly the stored (and POSTed) text: built once, reused for batch bodies. */
  json: JsonText;
}

export interface EventRepository {
  insert(payload: EventPayload, recordedAt: number): StoredEvent;
  /**
   * The same for many events, in order (ids increase with position). `from`: the scheduled rows
   * the events are the payloads of, in the same order, still stored in this transaction (the
   * repository may keep their text and refer to the rows rather than store it again).
   */
  insertMany(payloads: EventPayload[], recordedAt: number, source?: EventSources): StoredEvent[];
  get(id: number): StoredEvent | undefined;
  findByEventId(eventId: string): StoredEvent | undefined;
  list(filter: EventFilter): StoredEvent[];
  count(filter: EventFilter): number;
}

export interface EventFilter {
  type?: PayloadEventName;
  messageId?: string;
  email?: string;
  /** Only ids below this (pagination, newest first). */
  beforeId?: number;
  limit?: number;
}

/** A scheduled row an event is recorded from: its id, and the payload's stored JSON text. */
export interface ScheduledSource {
  id: number;
  json: JsonText;
}

/**
 * The JSON of events whose recorder made it already, one per payload, each exactly
 * `JSON.stringify(payload)`: `scheduled`, the rows the events are the payloads of (recorded as
 * such); or `jsons`, texts of their own (replayed events: `payloadUtf8`).
 */
export type EventSources = { scheduled: readonly ScheduledSource[]; jsons?: undefined } | { jsons: readonly JsonText[]; scheduled?: undefined };

/** Runs inside the recording transaction; throwing aborts the whole recording. */
export type EventConsumer = (events: StoredEvent[]) => void;

export class EventService {
  private readonly consumers: EventConsumer[] = [];

  constructor(
    private readonly repo: EventRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly bus: CoreBus,
  ) {}

  addConsumer(consumer: EventConsumer): void {
    this.consumers.push(consumer);
  }

  /** A fresh event id (uuid), for builders. */
  newEventId(): string {
    return this.random.uuid();
  }

  record(payloads: EventPayload[], source?: EventSources): StoredEvent[] {
    if (!payloads.length) return [];
    return this.recordInParts((record) => record(payloads, source));
  }

  /**
   * One recording made in parts, in one transaction: `fill` hands `record` each part in order,
   * which stores it and runs every consumer on it at once, so that a part's payloads and records
   * can be collected before the next is made (a replay of 50,000 lines, issue 13). Whatever `fill`
   * throws rolls every part back. The recording is announced once, after commit, by its ids.
   */
  recordInParts<T>(fill: (record: (payloads: EventPayload[], source?: EventSources) => StoredEvent[]) => T): T {
    const now = this.clock.now();
    return this.uow.transaction(() => {
      const ids: number[] = [];
      const result = fill((payloads, source) => {
        if (!payloads.length) return [];
        const out = this.repo.insertMany(payloads, now, source);
        for (const c of this.consumers) c(out);
        for (let i = 0; i < out.length; i++) ids.push(out[i].id);
        return out;
      });
      // Announced once committed: a caller's transaction may still do more, or roll back.
      if (ids.length) this.uow.afterCommit(() => this.bus.emit('events.recorded', { ids }));
      return result;
    });
  }

  get(id: number): StoredEvent | undefined {
    return this.repo.get(id);
  }

  list(filter: EventFilter): StoredEvent[] {
    return this.repo.list(filter);
  }

  count(filter: EventFilter): number {
    return this.repo.count(filter);
  }
}
