/**
 * A recipient's lifecycle as a plan of scheduled items, pure and clock-driven: given what is true
 * now (the scenario, a suppression, the domain's verification), the items to store with their due
 * times. Most items are finished event payloads. A suspension is different: its outcome depends
 * on what happens later (is the domain verified in time?), so it is stored as a check, decided by
 * `resolveCheck` when it falls due, which plans the next items. Everything is stored, so a plan
 * survives kill -9 like any event (scheduler.ts).
 */
import type { EventPayload } from '../events';
import type { JsonText } from '../jsonText';
import { buildEvent, DEFAULT_SUSPENSION_REASON, payloadUtf8, UNVERIFIED_REJECT_REASON, UNVERIFIED_SUSPENSION_REASON, type EventContext } from './eventBuilder';
import {
  LIFECYCLES,
  SUPPRESSED_LIFECYCLE,
  SUSPENSION_AFTER_MS,
  SUSPENSION_RECHECK_MS,
  SUSPENSION_RECHECKS,
  type Scenario,
  type Step,
} from './scenarios';

/** A pending re-check of a suspended message's domain. `message_id` on top: retention keeps the message while it waits. */
export interface SuspensionCheck {
  check: 'suspension';
  message_id: string;
  /** 1 … SUSPENSION_RECHECKS. */
  attempt: number;
  /** When the message was sent: a verification after it counts as "verified meanwhile". */
  sentAt: number;
  scenario: Scenario;
  ctx: EventContext;
  /** The link a scheduled click would follow. */
  url?: string;
}

export type ScheduledItem = EventPayload | SuspensionCheck;

export const isCheck = (item: ScheduledItem): item is SuspensionCheck => (item as SuspensionCheck).check === 'suspension';

export interface Planned {
  dueAt: number;
  item: ScheduledItem;
  /** `JSON.stringify(item)`, when the plan made it already (an event: `payloadUtf8`, as UTF-8 bytes: jsonText.ts). */
  json?: JsonText;
}

/** An event item, with its JSON text (as bytes off the heap until it falls due: jsonText.ts). */
function planned(dueAt: number, item: EventPayload): Planned {
  return { dueAt, item, json: payloadUtf8(item) };
}

export interface RecipientPlanInput {
  ctx: EventContext;
  scenario: Scenario;
  sentAt: number;
  /** The reject reason when the address is suppressed for this domain and stream. */
  suppressedReason?: string;
  /** Whether the sending domain's DNS is verified now. */
  domainVerified: boolean;
  url?: string;
  newEventId: () => string;
}

function steps(list: Step[], from: number, ctx: EventContext, newEventId: () => string, extras: { reason?: string; url?: string }): Planned[] {
  const out: Planned[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    const dueAt = from + s.afterMs;
    out[i] = planned(dueAt, buildEvent(s.event, ctx, newEventId(), dueAt, s.category === undefined ? extras : { ...extras, category: s.category }));
  }
  return out;
}

/** What a recipient gets, decided at send time. */
export function planRecipient(p: RecipientPlanInput): Planned[] {
  if (p.suppressedReason !== undefined) return steps(SUPPRESSED_LIFECYCLE, p.sentAt, p.ctx, p.newEventId, { reason: p.suppressedReason });
  if (!p.domainVerified || p.scenario === 'suspension') {
    const at = p.sentAt + SUSPENSION_AFTER_MS;
    const reason = p.domainVerified ? DEFAULT_SUSPENSION_REASON : UNVERIFIED_SUSPENSION_REASON;
    const check: SuspensionCheck = { check: 'suspension', message_id: p.ctx.messageId, attempt: 1, sentAt: p.sentAt, scenario: p.scenario, ctx: p.ctx, url: p.url };
    return [
      planned(at, buildEvent('suspension', p.ctx, p.newEventId(), at, { reason })),
      { dueAt: at + SUSPENSION_RECHECK_MS, item: check },
    ];
  }
  return steps(LIFECYCLES[p.scenario], p.sentAt, p.ctx, p.newEventId, { url: p.url });
}

/**
 * A re-check falls due. `domainVerifiedAt` is the sending domain's verification time now (null:
 * unverified; undefined: the domain is gone). Verified after the send: the mail goes out, and
 * the recipient's scenario runs from now (a `+suspension` one is then a plain delivery). Not
 * verified after the last re-check: `reject`. Otherwise: the next re-check.
 */
export function resolveCheck(check: SuspensionCheck, now: number, domainVerifiedAt: number | null | undefined, newEventId: () => string): Planned[] {
  if (domainVerifiedAt !== null && domainVerifiedAt !== undefined && domainVerifiedAt > check.sentAt) {
    const scenario = check.scenario === 'suspension' ? 'delivery' : check.scenario;
    return steps(LIFECYCLES[scenario], now, check.ctx, newEventId, { url: check.url });
  }
  if (check.attempt >= SUSPENSION_RECHECKS) {
    return [planned(now, buildEvent('reject', check.ctx, newEventId(), now, { reason: UNVERIFIED_REJECT_REASON }))];
  }
  return [{ dueAt: now + SUSPENSION_RECHECK_MS, item: { ...check, attempt: check.attempt + 1 } }];
}
