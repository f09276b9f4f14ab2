/** Webhooks: Mailtrap's webhooks API semantics (create, list, get, patch, delete) and validation. */
import type { CoreBus } from './bus';
import type { Clock } from './clock';
import { FieldErrors, NotFoundError } from './errors';
import type { DomainRepository, Random, UnitOfWork, WebhookRepository } from './ports';
import {
  PAYLOAD_FORMATS,
  SENDING_STREAMS,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_TYPES,
  type PayloadFormat,
  type SendingStream,
  type Webhook,
  type WebhookEventType,
  type WebhookType,
} from './types';

export interface WebhookInput {
  url?: unknown;
  active?: unknown;
  webhook_type?: unknown;
  payload_format?: unknown;
  sending_stream?: unknown;
  event_types?: unknown;
  domain_id?: unknown;
  inbound_inbox_id?: unknown;
}

const IMMUTABLE = ['webhook_type', 'sending_stream', 'domain_id'] as const;
const MAX_URL_LENGTH = 2048;

const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);

/**
 * http(s) URL that parses and has a host; userinfo (basic auth) and query (token) allowed.
 * Returns Mailtrap's messages: a blank URL is also not a valid one, so it gets both
 * (`{"url":["can't be blank","is invalid"]}`, recorded in mailtrap/mailtrap-ruby
 * vcr_cassettes/Mailtrap_WebhooksAPI/_create/when_API_returns_an_error).
 */
export function validateWebhookUrl(v: unknown): string[] {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return ["can't be blank", 'is invalid'];
  if (typeof v !== 'string') return ['is invalid'];
  // Rails' wording for a length limit (Mailtrap's API is a Rails app): says the limit, unlike "is invalid".
  if (v.length > MAX_URL_LENGTH) return [`is too long (maximum is ${MAX_URL_LENGTH} characters)`];
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    return ['is invalid'];
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return ['is invalid'];
  return [];
}

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly domains: DomainRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly bus: CoreBus,
  ) {}

  list(): Webhook[] {
    return this.webhooks.list();
  }

  get(id: number): Webhook {
    const w = this.webhooks.get(id);
    if (!w) throw new NotFoundError();
    return w;
  }

  create(input: WebhookInput): Webhook {
    // Keys in the order Mailtrap lists them (url, event_types, sending_stream: the recorded answer
    // above), so the official client's joined message reads the same as against production.
    const errors = new FieldErrors();
    for (const m of validateWebhookUrl(input.url)) errors.add('url', m);

    const webhookType = input.webhook_type;
    const emailSending = webhookType === 'email_sending';
    const eventTypes = this.eventTypes(input.event_types, emailSending || webhookType === 'campaigns', errors);

    let sendingStream: SendingStream | null = null;
    if (input.sending_stream === undefined || input.sending_stream === null || input.sending_stream === '') {
      if (emailSending) errors.add('sending_stream', "can't be blank");
    } else if (!isOneOf(SENDING_STREAMS, input.sending_stream)) errors.add('sending_stream', 'is not included in the list');
    else sendingStream = input.sending_stream;

    if (webhookType === undefined || webhookType === null || webhookType === '') errors.add('webhook_type', "can't be blank");
    else if (!isOneOf(WEBHOOK_TYPES, webhookType)) errors.add('webhook_type', 'is not included in the list');

    const payloadFormat = this.payloadFormat(input.payload_format, 'json', errors);
    const active = this.active(input.active, true, errors);

    let domainId: number | null = null;
    if (input.domain_id !== undefined && input.domain_id !== null && input.domain_id !== '') {
      const id = Number(input.domain_id);
      if (!Number.isInteger(id) || typeof input.domain_id === 'boolean') errors.add('domain_id', 'is invalid');
      else if (!this.domains.get(id)) errors.add('domain_id', 'does not exist');
      else domainId = id;
    }
    const inboundInboxId = this.inboundInboxId(input.inbound_inbox_id, webhookType === 'inbound_receiving', true, errors);
    errors.throwIfAny();

    const now = this.clock.now();
    const webhook = this.uow.transaction(() =>
      this.webhooks.insert({
        url: (input.url as string).trim(),
        active,
        webhookType: webhookType as WebhookType,
        payloadFormat,
        sendingStream,
        domainId,
        inboundInboxId,
        eventTypes,
        signingSecret: this.random.hex(16),
        createdAt: now,
        updatedAt: now,
      }),
    );
    this.bus.emit('webhook.created', webhook);
    return webhook;
  }

  update(id: number, input: WebhookInput): Webhook {
    const current = this.get(id);
    const errors = new FieldErrors();
    const next: Webhook = { ...current };
    if (input.url !== undefined) {
      const urlErrors = validateWebhookUrl(input.url);
      for (const m of urlErrors) errors.add('url', m);
      if (!urlErrors.length) next.url = (input.url as string).trim();
    }
    if (input.active !== undefined) next.active = this.active(input.active, current.active, errors);
    if (input.payload_format !== undefined) next.payloadFormat = this.payloadFormat(input.payload_format, current.payloadFormat, errors);
    if (input.event_types !== undefined) next.eventTypes = this.eventTypes(input.event_types, current.webhookType === 'email_sending', errors);
    if (input.inbound_inbox_id !== undefined) {
      next.inboundInboxId = this.inboundInboxId(input.inbound_inbox_id, current.webhookType === 'inbound_receiving', false, errors);
    }
    // Immutable fields: sending the current value is harmless; changing it is an error, not a silent no-op.
    const currentWire: Record<(typeof IMMUTABLE)[number], unknown> = {
      webhook_type: current.webhookType,
      sending_stream: current.sendingStream,
      domain_id: current.domainId,
    };
    for (const f of IMMUTABLE) {
      const v = input[f];
      if (v === undefined) continue;
      const same = f === 'domain_id' ? (v === null ? current.domainId === null : Number(v) === current.domainId) : v === currentWire[f];
      if (!same) errors.add(f, "can't be changed");
    }
    errors.throwIfAny();
    next.updatedAt = this.clock.now();
    this.uow.transaction(() => this.webhooks.update(next));
    this.bus.emit('webhook.updated', next);
    return next;
  }

  setActive(id: number, active: boolean): Webhook {
    return this.update(id, { active });
  }

  delete(id: number): Webhook {
    const w = this.get(id);
    this.uow.transaction(() => this.webhooks.delete(id));
    this.bus.emit('webhook.deleted', w);
    return w;
  }

  /**
   * `inbound_inbox_id` (email-sending.openapi.yml, createWebhook): required for
   * `inbound_receiving` webhooks, "must not be set for any other webhook type".
   */
  private inboundInboxId(v: unknown, inbound: boolean, creating: boolean, errors: FieldErrors): number | null {
    const blank = v === undefined || v === null || v === '';
    if (!inbound) {
      if (!blank) errors.add('inbound_inbox_id', 'must be blank');
      return null;
    }
    if (blank) {
      if (creating || v !== undefined) errors.add('inbound_inbox_id', "can't be blank");
      return null;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      errors.add('inbound_inbox_id', 'is invalid');
      return null;
    }
    return v;
  }

  private payloadFormat(v: unknown, fallback: PayloadFormat, errors: FieldErrors): PayloadFormat {
    if (v === undefined || v === null || v === '') return fallback;
    if (!isOneOf(PAYLOAD_FORMATS, v)) {
      errors.add('payload_format', 'is not included in the list');
      return fallback;
    }
    return v;
  }

  private active(v: unknown, fallback: boolean, errors: FieldErrors): boolean {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') {
      errors.add('active', 'must be true or false');
      return fallback;
    }
    return v;
  }

  private eventTypes(v: unknown, required: boolean, errors: FieldErrors): WebhookEventType[] {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
      if (required) errors.add('event_types', "can't be blank");
      return [];
    }
    if (!Array.isArray(v) || !v.every((t) => isOneOf(WEBHOOK_EVENT_TYPES, t))) {
      errors.add('event_types', 'contains an invalid event type');
      return [];
    }
    // Keep the API enum's order and drop duplicates, so equal sets compare equal.
    return WEBHOOK_EVENT_TYPES.filter((t) => (v as string[]).includes(t));
  }
}
