/**
 * Scenarios (SPEC §3; the emulator decides, Mailtrap has none): the recipient address picks the
 * lifecycle by its plus-tag (`ann+bounce@x`) or its whole local part (`bounce@x`). Each step is
 * an event type, its offset in virtual milliseconds after the send, and for bounces the category
 * (Mailtrap's list, documentation/email-api-smtp/bounce-categorization.md).
 *
 * Mailtrap's own rules these follow (analytics/statuses-and-events.md): after a soft bounce
 * "the delivery will be attempted 10 more times. Possible outcomes: Delivery or Bounce"; after a
 * suspension "we'll re-check the domain status 10 more times. If it's verified during this time,
 * an email will be sent. Possible outcomes: Delivery, Reject". Mailtrap does not publish the
 * intervals; the emulator's are below (one virtual minute each).
 */
import type { PayloadEventName } from '../types';

export type Scenario =
  | 'delivery'
  | 'bounce'
  | 'bounce-block'
  | 'bounce-spam'
  | 'bounce-overquota'
  | 'bounce-timeout'
  | 'soft-bounce'
  | 'soft-bounce-fail'
  | 'reject'
  | 'suspension'
  | 'open'
  | 'click'
  | 'unsubscribe'
  | 'spam';

/** The bounce categories a scenario uses; the event builder knows each one's SMTP answer. */
export type ScenarioBounceCategory = 'badrecipient' | 'block' | 'spam' | 'overquota' | 'timeout' | 'greylisting' | 'transientfail';

export interface Step {
  event: PayloadEventName;
  afterMs: number;
  category?: ScenarioBounceCategory;
}

const S = 1000;

/** Retries after a soft bounce, and the time between them. */
export const SOFT_BOUNCE_RETRIES = 10;
export const SOFT_BOUNCE_RETRY_MS = 60 * S;
/** Domain re-checks after a suspension, and the time between them. */
export const SUSPENSION_RECHECKS = 10;
export const SUSPENSION_RECHECK_MS = 60 * S;
/** The suspension event comes this long after the send; re-check k is `k × SUSPENSION_RECHECK_MS` after it. */
export const SUSPENSION_AFTER_MS = 1 * S;

const FIRST_ATTEMPT_MS = 3 * S;

/** Soft bounces at the first attempt and each retry; the last retry fails for good: a `timeout` bounce. */
function softBounceFail(): Step[] {
  const steps: Step[] = [];
  for (let attempt = 0; attempt < SOFT_BOUNCE_RETRIES; attempt++) {
    steps.push({ event: 'soft bounce', afterMs: FIRST_ATTEMPT_MS + attempt * SOFT_BOUNCE_RETRY_MS, category: 'transientfail' });
  }
  steps.push({ event: 'bounce', afterMs: FIRST_ATTEMPT_MS + SOFT_BOUNCE_RETRIES * SOFT_BOUNCE_RETRY_MS, category: 'timeout' });
  return steps;
}

const bounce = (category: ScenarioBounceCategory): Step[] => [{ event: 'bounce', afterMs: FIRST_ATTEMPT_MS, category }];

/**
 * Lifecycles with nothing left to decide (every step known at send time). `suspension` is the
 * exception: only its first event is fixed here; its outcome is decided by re-checks (lifecycle.ts).
 */
export const LIFECYCLES: Record<Scenario, Step[]> = {
  delivery: [{ event: 'delivery', afterMs: 2 * S }],
  bounce: bounce('badrecipient'),
  'bounce-block': bounce('block'),
  'bounce-spam': bounce('spam'),
  'bounce-overquota': bounce('overquota'),
  'bounce-timeout': bounce('timeout'),
  // Greylisting: the first retry gets through.
  'soft-bounce': [
    { event: 'soft bounce', afterMs: FIRST_ATTEMPT_MS, category: 'greylisting' },
    { event: 'delivery', afterMs: FIRST_ATTEMPT_MS + SOFT_BOUNCE_RETRY_MS },
  ],
  'soft-bounce-fail': softBounceFail(),
  reject: [{ event: 'reject', afterMs: 1 * S }],
  suspension: [{ event: 'suspension', afterMs: SUSPENSION_AFTER_MS }],
  open: [
    { event: 'delivery', afterMs: 2 * S },
    { event: 'open', afterMs: 12 * S },
  ],
  click: [
    { event: 'delivery', afterMs: 2 * S },
    { event: 'open', afterMs: 12 * S },
    { event: 'click', afterMs: 17 * S },
  ],
  unsubscribe: [
    { event: 'delivery', afterMs: 2 * S },
    { event: 'open', afterMs: 12 * S },
    { event: 'unsubscribe', afterMs: 22 * S },
  ],
  spam: [
    { event: 'delivery', afterMs: 2 * S },
    { event: 'spam', afterMs: 32 * S },
  ],
};

/** A suppressed recipient gets only this. */
export const SUPPRESSED_LIFECYCLE: Step[] = [{ event: 'reject', afterMs: 1 * S }];

const ALIASES = new Map<string, Scenario>(Object.entries({
  bounce: 'bounce',
  'hard-bounce': 'bounce',
  'bounce-block': 'bounce-block',
  'bounce-spam': 'bounce-spam',
  'bounce-overquota': 'bounce-overquota',
  'bounce-timeout': 'bounce-timeout',
  'soft-bounce': 'soft-bounce',
  soft_bounce: 'soft-bounce',
  softbounce: 'soft-bounce',
  'soft-bounce-fail': 'soft-bounce-fail',
  reject: 'reject',
  suspension: 'suspension',
  open: 'open',
  click: 'click',
  unsubscribe: 'unsubscribe',
  spam: 'spam',
  spam_complaint: 'spam',
  delivery: 'delivery',
} satisfies Record<string, Scenario>));

/** The longest alias: a longer tag is none (most addresses, looked up without a lower-cased copy). */
const LONGEST_ALIAS = Math.max(...[...ALIASES.keys()].map((k) => k.length));

export function scenarioFor(email: string): Scenario {
  const local = email.slice(0, email.lastIndexOf('@'));
  // After the last '+', or the whole local part. Lower-casing never shortens a string, so a tag
  // longer than every alias is none (most addresses): no lower-cased copy, no lookup.
  const tag = local.slice(local.lastIndexOf('+') + 1);
  if (tag.length > LONGEST_ALIAS) return 'delivery';
  return ALIASES.get(tag.toLowerCase()) ?? 'delivery';
}

/**
 * The events a recipient of `scenario` gets from a verified domain when nobody intervenes (a
 * `+suspension` then ends in `reject`). For tests and documentation.
 */
export function plannedEvents(scenario: Scenario): PayloadEventName[] {
  return scenario === 'suspension' ? ['suspension', 'reject'] : LIFECYCLES[scenario].map((s) => s.event);
}
