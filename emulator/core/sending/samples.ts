/**
 * The sample batches shipped with the product (`samples/`, copied to `dist/samples/`), built by
 * our own event builder so they are exactly what the emulator produces. Deterministic: ids
 * come from a counter and times from a fixed start, so regenerating yields identical files.
 */
import type { EventPayload } from '../events';
import { PAYLOAD_EVENT_NAMES, type PayloadEventName } from '../types';
import { buildEvent, type EventContext } from './eventBuilder';
import { isCheck, planRecipient, resolveCheck, type Planned } from './lifecycle';
import { scenarioFor } from './scenarios';

const START_MS = Date.UTC(2026, 0, 15, 9, 0, 0);

/** A fake but well-formed v4 uuid from a namespace digit and a counter. */
function idMaker(ns: number) {
  let n = 0;
  return () => {
    const hex = (ns * 1_000_000 + ++n).toString(16).padStart(12, '0');
    return `5a4d1e00-0000-4000-8${ns.toString(16).padStart(3, '0')}-${hex}`;
  };
}

const ctx = (messageId: string, email: string, over: Partial<EventContext> = {}): EventContext => ({
  messageId,
  email,
  stream: 'transactional',
  domainName: 'example.com',
  ...over,
});

/** One event of each of the nine types. */
export function allEventTypes(): EventPayload[] {
  const msg = idMaker(1);
  const evt = idMaker(2);
  return PAYLOAD_EVENT_NAMES.map((type: PayloadEventName, i) =>
    buildEvent(
      type,
      ctx(msg(), `user${i}@example.net`, { category: 'Welcome email', customVariables: { user_id: String(1000 + i) } }),
      evt(),
      START_MS + i * 7000,
      type === 'click' ? { url: 'https://example.com/welcome?utm_source=email' } : {},
    ),
  );
}

/** Hard bounces with varied categories (Mailtrap's list), codes and texts. */
const BOUNCES: [category: string, code: number, text: string][] = [
  ['badrecipient', 550, '550 5.1.1 The email account that you tried to reach does not exist'],
  ['overquota', 552, '552 5.2.2 The email account that you tried to reach is over quota'],
  ['block', 554, '554 5.7.1 Service unavailable; client host blocked using a DNS blocklist'],
  ['dnsFail', 550, '550 5.1.2 Host unknown: no MX or A record for the recipient domain'],
  ['serverpolicy', 550, '550 5.7.1 Message rejected due to local policy'],
  ['spam', 550, '550 5.7.1 Message rejected as spam by content filter'],
];

/** 40 hard bounces on the bulk stream, a few seconds apart (for a JSON Lines webhook). */
export function bounceStorm(): EventPayload[] {
  const msg = idMaker(3);
  const evt = idMaker(4);
  return Array.from({ length: 40 }, (_, i) => {
    const [category, code, text] = BOUNCES[i % BOUNCES.length];
    const e = buildEvent(
      'bounce',
      ctx(msg(), `subscriber${i}@example.org`, { stream: 'bulk', category: 'Newsletter', customVariables: { campaign: 'spring-sale' } }),
      evt(),
      START_MS + i * 3000,
    );
    return { ...e, response: text, response_code: code, bounce_category: category };
  });
}

/** A campaign's engagement: deliveries, opens, clicks and an unsubscribe for twelve readers. */
export function engagement(): EventPayload[] {
  const msg = idMaker(5);
  const evt = idMaker(6);
  const out: EventPayload[] = [];
  for (let i = 0; i < 12; i++) {
    const c = ctx(msg(), `reader${i}@example.net`, { stream: 'bulk', category: 'Product update', customVariables: { segment: i % 2 ? 'trial' : 'paid' } });
    const t = START_MS + i * 5000;
    out.push(buildEvent('delivery', c, evt(), t));
    if (i % 4 !== 3) out.push(buildEvent('open', c, evt(), t + 60_000));
    if (i % 2 === 0) out.push(buildEvent('click', c, evt(), t + 90_000, { url: 'https://example.com/changelog#v2' }));
    if (i === 5) out.push(buildEvent('unsubscribe', c, evt(), t + 120_000));
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

const eventsIn = (planned: Planned[]): EventPayload[] => planned.flatMap((p) => (isCheck(p.item) ? [] : [p.item]));

/**
 * Lifecycles that resolve, as the emulator plays them (lifecycle.ts): a soft bounce delivered at
 * the first retry; soft bounces ending in a bounce after 10 retries; mail from an unverified
 * domain suspended, then delivered when the domain is verified at the 3rd re-check; and one
 * rejected after the 10th. Oldest first.
 */
export function lifecycles(): EventPayload[] {
  const msg = idMaker(7);
  const evt = idMaker(8);
  const out: EventPayload[] = [];
  for (const email of ['ann+soft-bounce@example.net', 'bob+soft-bounce-fail@example.net']) {
    out.push(...eventsIn(planRecipient({ ctx: ctx(msg(), email), scenario: scenarioFor(email), sentAt: START_MS, domainVerified: true, newEventId: evt })));
  }
  for (const [email, verifiedAtCheck] of [['cat@example.net', 3], ['dan@example.net', null]] as const) {
    const c = ctx(msg(), email, { domainName: 'new-domain.example.com' });
    let planned = planRecipient({ ctx: c, scenario: 'delivery', sentAt: START_MS, domainVerified: false, newEventId: evt });
    for (;;) {
      out.push(...eventsIn(planned));
      const check = planned.find((p) => isCheck(p.item));
      if (!check || !isCheck(check.item)) break;
      const verified = verifiedAtCheck !== null && check.item.attempt >= verifiedAtCheck ? check.dueAt - 1000 : null;
      planned = resolveCheck(check.item, check.dueAt, verified, evt);
    }
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** File name → contents, as shipped. */
export function sampleFiles(): Record<string, string> {
  return {
    'all-event-types.json': JSON.stringify({ events: allEventTypes() }, null, 2) + '\n',
    'bounce-storm.jsonl': bounceStorm().map((e) => JSON.stringify(e)).join('\n') + '\n',
    'engagement.json': JSON.stringify({ events: engagement() }, null, 2) + '\n',
    'lifecycles.json': JSON.stringify({ events: lifecycles() }, null, 2) + '\n',
  };
}
