/**
 * Events outside the scheduled lifecycles, recorded at once: `POST /emulator/events` (any type,
 * for a message or an address, with field overrides) and tracking hits (a real open or click).
 */
import type { Clock } from '../clock';
import type { DomainService } from '../domains';
import { BadRequestError, NotFoundError } from '../errors';
import type { EventPayload, EventService } from '../events';
import type { Random } from '../ports';
import { PAYLOAD_EVENT_NAMES, parseEventType, toPayloadEventName, type PayloadEventName } from '../types';
import { buildEvent, type EventContext, type EventExtras } from './eventBuilder';
import type { MessageRepository, StoredMessage } from './model';
import { trackableLinks, parseClickToken } from './tracking';
import { isEmail } from './validation';

export interface TriggerRequest {
  type?: unknown;
  message_id?: unknown;
  email?: unknown;
  overrides?: unknown;
}

/** Overridable payload fields and the JSON type each must have. */
const OVERRIDABLE: Record<string, 'string' | 'number' | 'object'> = {
  message_id: 'string',
  event_id: 'string',
  timestamp: 'number',
  email: 'string',
  sending_stream: 'string',
  sending_domain_name: 'string',
  category: 'string',
  custom_variables: 'object',
  response: 'string',
  response_code: 'number',
  bounce_category: 'string',
  reason: 'string',
  ip: 'string',
  user_agent: 'string',
  url: 'string',
};
const REQUIRED_FIELDS = new Set(['message_id', 'event_id', 'timestamp', 'email', 'sending_stream', 'sending_domain_name']);

/** The domain used for an address that was never sent to and no domain exists. */
const FALLBACK_DOMAIN = 'example.com';

export class EventTrigger {
  constructor(
    private readonly messages: MessageRepository,
    private readonly domains: DomainService,
    private readonly events: EventService,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  trigger(req: TriggerRequest): EventPayload {
    const type = parseEventType(req.type);
    if (!type) throw new BadRequestError([`'type' must be one of: ${PAYLOAD_EVENT_NAMES.join(', ')} (or the webhooks API spelling)`]);
    const ctx = this.contextFor(req);
    const payload = buildEvent(toPayloadEventName(type), ctx, this.events.newEventId(), this.clock.now());
    const final = applyOverrides(payload, req.overrides);
    this.events.record([final]);
    return final;
  }

  private contextFor(req: TriggerRequest): EventContext {
    if (req.message_id !== undefined && req.message_id !== null) {
      if (typeof req.message_id !== 'string') throw new BadRequestError(["'message_id' must be a string"]);
      const m = this.messages.get(req.message_id);
      if (!m) throw new NotFoundError('Message');
      return this.messageContext(m);
    }
    if (typeof req.email === 'string' && isEmail(req.email.trim())) {
      const email = req.email.trim();
      const m = this.messages.latestForEmail(email);
      if (m) return this.messageContext(m);
      return {
        messageId: this.random.uuid(),
        email,
        stream: 'transactional',
        domainName: this.domains.list()[0]?.domainName ?? FALLBACK_DOMAIN,
      };
    }
    if (req.email !== undefined) throw new BadRequestError(["'email' must be a valid email address"]);
    throw new BadRequestError(["'message_id' or 'email' is required"]);
  }

  private messageContext(m: StoredMessage): EventContext {
    const send = this.messages.getSend(m.sendId)!;
    return {
      messageId: m.id,
      email: m.email,
      stream: send.stream,
      domainName: send.domainName,
      category: send.mail.category,
      customVariables: send.mail.customVariables,
    };
  }

  /** A fetch of the open pixel; records `open` when the message was sent with open tracking. */
  trackOpen(messageId: string, hit: EventExtras): boolean {
    const m = this.messages.get(messageId);
    if (!m || !this.messages.getSend(m.sendId)?.openTracking) return false;
    this.recordHit('open', m, hit);
    return true;
  }

  /** A tracked link: records `click` and returns the original URL, or null for an unknown token. */
  trackClick(token: string, hit: EventExtras): string | null {
    const parsed = parseClickToken(token);
    const m = parsed && this.messages.get(parsed.messageId);
    if (!parsed || !m) return null;
    const send = this.messages.getSend(m.sendId);
    if (!send?.clickTracking || !send.mail.html) return null;
    const url = trackableLinks(send.mail.html)[parsed.index];
    if (!url) return null;
    this.recordHit('click', m, { ...hit, url });
    return url;
  }

  private recordHit(event: PayloadEventName, m: StoredMessage, hit: EventExtras): void {
    this.events.record([buildEvent(event, this.messageContext(m), this.events.newEventId(), this.clock.now(), hit)]);
  }
}

/** Field overrides: a value replaces the field, `null` removes an optional one. */
function applyOverrides(payload: EventPayload, overrides: unknown): EventPayload {
  if (overrides === undefined || overrides === null) return payload;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new BadRequestError(["'overrides' must be an object"]);
  const out: Record<string, unknown> = { ...payload };
  const problems: string[] = [];
  for (const [k, v] of Object.entries(overrides)) {
    const kind = OVERRIDABLE[k];
    if (!kind) problems.push(`'overrides.${k}' is not an overridable field`);
    else if (v === null) {
      if (REQUIRED_FIELDS.has(k)) problems.push(`'overrides.${k}' cannot be removed`);
      else delete out[k];
    } else if (kind === 'object' ? typeof v !== 'object' || Array.isArray(v) : typeof v !== kind) {
      problems.push(`'overrides.${k}' must be a ${kind}`);
    } else if (k === 'sending_stream' && v !== 'transactional' && v !== 'bulk') {
      problems.push("'overrides.sending_stream' must be 'transactional' or 'bulk'");
    } else out[k] = v;
  }
  if (problems.length) throw new BadRequestError(problems);
  return out as unknown as EventPayload;
}
