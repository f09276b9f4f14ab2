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
  via: 'http' | 'batch' | 'smtp';
}

/** What we know of a created thing: acknowledged alive, acknowledged gone, or unknown (cut off). */
type Fate = 'exists' | 'deleted' | 'unknown';

export class Ledger {
  readonly messages: AckedMessage[] = [];
  readonly webhooks = new Map<number, Fate>();
  readonly domains = new Map<string, { id: number | null; fate: Fate }>();
  /** receiver name → "message_id|event" → event_ids seen in bodies answered 200. */
  private readonly seen = new Map<string, Map<string, Set<string>>>();
  /** Non-2xx answers or errors from a live emulator to valid requests: must stay empty. */
  readonly unexpected: string[] = [];

  message(m: AckedMessage): void {
    this.messages.push(m);
  }

  /** Record the events of a POST body the receiver answered 200 (json or json lines). */
  received(receiver: string, body: string): void {
    const events = body.trimStart().startsWith('{"events"')
      ? (JSON.parse(body).events as { message_id: string; event: string; event_id: string }[])
      : body
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l));
    let map = this.seen.get(receiver);
    if (!map) this.seen.set(receiver, (map = new Map()));
    for (const e of events) {
      const key = `${e.message_id}|${e.event}`;
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
    for (const m of this.messages) {
      if (m.stream !== stream) continue;
      for (const ev of Ledger.expectedEvents(m)) if (!map.has(`${m.id}|${ev}`)) out.push(`${m.via} ${m.email} ${m.id} ${ev}`);
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
    return [...all].filter(([, ids]) => ids.size > 1).map(([k, ids]) => `${k}: ${[...ids].join(',')}`);
  }
}

export const ALL_EVENT_TYPES = ['delivery', 'open', 'click', 'unsubscribe', 'spam_complaint', 'soft_bounce', 'bounce', 'suspension', 'reject'];
export const SCENARIO_TAGS = ['', '+bounce', '+bounce-block', '+soft-bounce', '+soft-bounce-fail', '+reject', '+suspension', '+open', '+click', '+unsubscribe', '+spam'];
