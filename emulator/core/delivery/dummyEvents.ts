/** Dummy events for the test button (SPEC §4): one of each type the webhook selects. */
import type { EventPayload } from '../events';
import { toPayloadEventName, type Webhook } from '../types';

export function dummyEvents(webhook: Webhook, opts: { now: number; uuid: () => string; domainName: string | null }): EventPayload[] {
  const timestamp = Math.floor(opts.now / 1000);
  const messageId = opts.uuid();
  return webhook.eventTypes.map((t) => {
    const event = toPayloadEventName(t);
    const e: EventPayload = {
      event,
      message_id: messageId,
      event_id: opts.uuid(),
      timestamp,
      email: 'test@example.com',
      sending_stream: webhook.sendingStream ?? 'transactional',
      sending_domain_name: opts.domainName ?? 'example.com',
      category: 'Webhook test',
      custom_variables: { test: true },
    };
    if (event === 'bounce') Object.assign(e, { response: '550 5.1.1 Recipient rejected', response_code: 550, bounce_category: 'badrecipient' });
    if (event === 'soft bounce') Object.assign(e, { response: '451 4.7.1 Greylisted, try again later', response_code: 451, bounce_category: 'greylisting' });
    if (event === 'reject') e.reason = 'Recipient in suppression list. Reason: unsubscription';
    if (event === 'suspension') e.reason = 'Sending suspended for this domain';
    if (event === 'open' || event === 'click' || event === 'unsubscribe') Object.assign(e, { ip: '192.0.2.1', user_agent: 'Mozilla/5.0 (emulator test)' });
    if (event === 'click') e.url = 'https://example.com/welcome';
    return e;
  });
}
