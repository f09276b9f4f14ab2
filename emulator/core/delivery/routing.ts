/** Which webhooks an event goes to (SPEC §5): active email-sending ones whose filters all match. */
import type { EventPayload } from '../events';
import { toWebhookEventType, type Domain, type Webhook } from '../types';

/**
 * A webhook receives an event when it is active, of type `email_sending`, lists the event's type
 * (API spelling: `soft bounce` → `soft_bounce`, `spam` → `spam_complaint`), has the event's
 * sending stream, and is either unscoped or scoped to the domain named `sending_domain_name`.
 */
export function routes(webhook: Webhook, event: EventPayload, domainOf: (id: number) => Domain | undefined): boolean {
  if (!webhook.active || webhook.webhookType !== 'email_sending') return false;
  const type = toWebhookEventType(event.event);
  if (!type || !webhook.eventTypes.includes(type)) return false;
  if (webhook.sendingStream !== event.sending_stream) return false;
  if (webhook.domainId === null) return true;
  const domain = domainOf(webhook.domainId);
  return !!domain && domain.domainName === String(event.sending_domain_name).toLowerCase();
}
