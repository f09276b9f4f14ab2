/**
 * Scenarios (SPEC §3; the emulator decides, Mailtrap has none): the recipient address picks the
 * lifecycle by its plus-tag (`ann+bounce@x`) or its whole local part (`bounce@x`). Each step is
 * an event type and its offset in virtual milliseconds after the send.
 */
import type { PayloadEventName } from '../types';

export type Scenario = 'delivery' | 'bounce' | 'soft-bounce' | 'reject' | 'suspension' | 'open' | 'click' | 'unsubscribe' | 'spam';

export interface Step {
  event: PayloadEventName;
  afterMs: number;
}

const S = 1000;

export const LIFECYCLES: Record<Scenario, Step[]> = {
  delivery: [{ event: 'delivery', afterMs: 2 * S }],
  bounce: [{ event: 'bounce', afterMs: 3 * S }],
  'soft-bounce': [
    { event: 'soft bounce', afterMs: 3 * S },
    { event: 'delivery', afterMs: 63 * S },
  ],
  reject: [{ event: 'reject', afterMs: 1 * S }],
  suspension: [{ event: 'suspension', afterMs: 1 * S }],
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

const ALIASES: Record<string, Scenario> = {
  bounce: 'bounce',
  'hard-bounce': 'bounce',
  'soft-bounce': 'soft-bounce',
  soft_bounce: 'soft-bounce',
  softbounce: 'soft-bounce',
  reject: 'reject',
  suspension: 'suspension',
  open: 'open',
  click: 'click',
  unsubscribe: 'unsubscribe',
  spam: 'spam',
  spam_complaint: 'spam',
  delivery: 'delivery',
};

export function scenarioFor(email: string): Scenario {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  const plus = local.lastIndexOf('+');
  const tag = plus >= 0 ? local.slice(plus + 1) : local;
  return ALIASES[tag] ?? 'delivery';
}
