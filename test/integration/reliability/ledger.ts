/**
 * The crash harness's bookkeeping: what the emulator acknowledged, and what the receivers
 * answered 200 to. Only acknowledged operations count: a request cut off by a kill -9 may or may
 * not have happened, so it is neither expected nor forbidden.
 */
import { plannedEvents, scenarioFor } from '../../../emulator/core/sending/scenarios';

export type Stream = 'transactional' | 'bulk';

export interface AckedMessage {
  id: string;
  email: string;
  stream: Stream;
  via: 'http' | 'batch' | 'smtp' | 'replay';
}

/** What we know of a created thing: acknowledged alive, acknowledged gone, or unknown (cut off). */
type Fate = 'exists' | 'deleted' | 'unknown';

export class Ledger {
  readonly messages: AckedMessage[] = [];
  readonly webhooks = new Map<number, Fate>();
  readonly domains = new Map<string, { id: number | null; fate: Fate }>();
  /**
   * receiver name → "message_id|event|timestamp" → event_ids seen in bodies answered 200. The
   * timestamp tells apart the occurrences of one type in a lifecycle (a failing soft bounce has
   * ten `soft bounce` events, a virtual minute apart); a re-made event would share it.
   */
  private readonly seen = new Map<string, Map<string, Set<string>>>();
  /** Non-2xx answers or errors from a live emulator to valid requests: must stay empty. */
  readonly unexpected: string[] = [];

  message(m: AckedMessage): void {
    this.messages.push(m);
  }

  /** Record the events of a POST body the receiver answered 200 (json or json lines). */
  received(receiver: string, body: string): void {
    const events = body.trimStart().startsWith('{"events"')
      ? (JSON.parse(body).events as { message_id: string; event: string; event_id: string; timestamp: number }[])
      : body
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l));
    let map = this.seen.get(receiver);
    if (!map) this.seen.set(receiver, (map = new Map()));
    for (const e of events) {
      const key = `${e.message_id}|${e.event}|${e.timestamp}`;
      let ids = map.get(key);
      if (!ids) map.set(key, (ids = new Set()));
      ids.add(e.event_id);
    }
  }

  /** The events each acknowledged message must produce, from its scenario. */
  static expectedEvents(m: AckedMessage): string[] {
    return plannedEvents(scenarioFor(m.email));
  }

  /** Acknowledged messages of `stream` with an expected event the receiver never answered 200 to. */
  missing(receiver: string, stream: Stream): string[] {
    const map = this.seen.get(receiver) ?? new Map<string, Set<string>>();
    const out: string[] = [];
    // Occurrences received per "message_id|event" (distinct timestamps), against how many are expected.
    const got = new Map<string, number>();
    for (const k of map.keys()) {
      const typeKey = k.slice(0, k.lastIndexOf('|'));
      got.set(typeKey, (got.get(typeKey) ?? 0) + 1);
    }
    for (const m of this.messages) {
      if (m.stream !== stream) continue;
      const want = new Map<string, number>();
      for (const ev of Ledger.expectedEvents(m)) want.set(ev, (want.get(ev) ?? 0) + 1);
      for (const [ev, n] of want) if ((got.get(`${m.id}|${ev}`) ?? 0) < n) out.push(`${m.via} ${m.email} ${m.id} ${ev}`);
    }
    return out;
  }

  /** Keys delivered under more than one event_id across all receivers: an event was made twice. */
  regenerated(): string[] {
    const all = new Map<string, Set<string>>();
    for (const map of this.seen.values())
      for (const [k, ids] of map) {
        let s = all.get(k);
        if (!s) all.set(k, (s = new Set()));
        ids.forEach((id) => s.add(id));
      }
    // A scenario may plan the same event type more than once (soft bounces retried until they
    // fail): each planned occurrence has its own event_id, so only more ids than planned is a remake.
    const planned = new Map<string, number>();
    for (const m of this.messages) for (const ev of Ledger.expectedEvents(m)) planned.set(`${m.id}|${ev}`, (planned.get(`${m.id}|${ev}`) ?? 0) + 1);
    return [...all].filter(([k, ids]) => ids.size > (planned.get(k) ?? 1)).map(([k, ids]) => `${k}: ${[...ids].join(',')}`);
  }
}

export const ALL_EVENT_TYPES = ['delivery', 'open', 'click', 'unsubscribe', 'spam_complaint', 'soft_bounce', 'bounce', 'suspension', 'reject'];
export const SCENARIO_TAGS = ['', '+bounce', '+bounce-block', '+soft-bounce', '+soft-bounce-fail', '+reject', '+suspension', '+open', '+click', '+unsubscribe', '+spam'];
