/**
 * Suppressions as Mailtrap keeps them (suppressions-list.md, bounce-categorization.md): a spam
 * complaint or an unsubscribe always suppresses the address, a bounce only in the categories
 * `timeout`, `badrecipient`, `overquota`. A suppression belongs to one sending domain and one
 * stream (`transactional`, `bulk`, or `any` for manual adds) and blocks only sends on that domain
 * and stream; such a send yields `reject`. Automatic ones are made by an event consumer, inside
 * the transaction that records the event, so the two never disagree.
 */
import type { Clock } from '../clock';
import type { DomainService } from '../domains';
import { FieldErrors, NotFoundError } from '../errors';
import type { EventService, StoredEvent } from '../events';
import type { Random } from '../ports';
import type { SendingStream } from '../types';
import {
  SUPPRESSING_BOUNCE_CATEGORIES,
  SUPPRESSING_EVENTS,
  SUPPRESSION_TYPES,
  type Suppression,
  type SuppressionRepository,
  type SuppressionStream,
  type SuppressionType,
} from './model';
import { isEmail } from './validation';

/** Mailtrap's list answers at most 1000 (email-sending.openapi.yml, getSuppressions). */
export const SUPPRESSION_PAGE = 1000;

export interface SuppressionQuery {
  email?: string;
  /** The id of the last suppression of the previous page (`last_id`). */
  lastId?: string;
  from?: number;
  to?: number;
}

export class SuppressionService {
  constructor(
    private readonly repo: SuppressionRepository,
    private readonly random: Random,
    private readonly domains: DomainService,
    private readonly clock: Clock,
  ) {}

  /** Registers the consumer that turns suppressing events into suppressions. */
  attach(events: EventService): void {
    events.addConsumer((stored) => this.onEvents(stored));
  }

  private onEvents(stored: StoredEvent[]): void {
    for (let i = 0; i < stored.length; i++) {
      const { payload: p, recordedAt } = stored[i];
      const type = SUPPRESSING_EVENTS[p.event];
      if (!type) continue;
      if (p.event === 'bounce' && !SUPPRESSING_BOUNCE_CATEGORIES.includes(p.bounce_category ?? '')) continue;
      const email = p.email.toLowerCase();
      const domainName = p.sending_domain_name.toLowerCase();
      if (this.repo.findExact(domainName, p.sending_stream, email)) continue;
      this.repo.insert({
        id: this.random.uuid(),
        type,
        email,
        domainName,
        sendingStream: p.sending_stream,
        createdAt: recordedAt,
        messageId: p.message_id,
        bounceCategory: p.bounce_category ?? null,
        espResponse: p.response ?? null,
      });
    }
  }

  /**
   * A manual suppression. The API (`POST …/suppressions`, email-sending.openapi.yml
   * createSuppression) takes `transactional` or `bulk`; `any` (the web app's "Any") only through
   * the emulator's own route. One that exists for the address, domain and stream is returned as is.
   */
  create(input: unknown, opts: { allowAny?: boolean } = {}): Suppression {
    const body = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
    const errors = new FieldErrors();
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    if (email === '') errors.add('email', "can't be blank");
    else if (!isEmail(email)) errors.add('email', 'is invalid');
    const domain = typeof body.domain_id === 'number' ? this.domains.list().find((d) => d.id === body.domain_id) : undefined;
    if (!domain) errors.add('domain', "can't be blank");
    const streams: readonly string[] = opts.allowAny ? ['transactional', 'bulk', 'any'] : ['transactional', 'bulk'];
    const stream = body.sending_stream;
    if (typeof stream !== 'string' || !streams.includes(stream)) errors.add('sending_stream', `is invalid. Allowed values: ${streams.join(', ')}.`);
    const type = body.type ?? 'manual import';
    if (!(SUPPRESSION_TYPES as readonly unknown[]).includes(type)) errors.add('type', `is invalid. Allowed values: ${SUPPRESSION_TYPES.join(', ')}.`);
    errors.throwIfAny();
    const existing = this.repo.findExact(domain!.domainName, stream as SuppressionStream, email);
    if (existing) return existing;
    const s: Omit<Suppression, 'seq'> = {
      id: this.random.uuid(),
      type: type as SuppressionType,
      email,
      domainName: domain!.domainName,
      sendingStream: stream as SuppressionStream,
      createdAt: this.clock.now(),
      messageId: null,
      bounceCategory: null,
      espResponse: null,
    };
    this.repo.insert(s);
    return this.repo.get(s.id)!;
  }

  /** The suppression that blocks a send of `stream` from `domainName` to `email`, if any. */
  find(domainName: string, stream: SendingStream, email: string): Suppression | undefined {
    return this.repo.find(domainName.toLowerCase(), stream, email.toLowerCase());
  }

  /** Newest first, at most 1000; `lastId` continues after that suppression (an unknown one: nothing). */
  list(q: SuppressionQuery = {}): Suppression[] {
    let beforeSeq: number | undefined;
    if (q.lastId !== undefined) {
      const last = this.repo.get(q.lastId);
      if (!last) return [];
      beforeSeq = last.seq;
    }
    return this.repo.list({ email: q.email?.toLowerCase(), beforeSeq, from: q.from, to: q.to, limit: SUPPRESSION_PAGE });
  }

  get(id: string): Suppression {
    const s = this.repo.get(id);
    if (!s) throw new NotFoundError();
    return s;
  }

  delete(id: string): Suppression {
    const s = this.get(id);
    this.repo.delete(id);
    return s;
  }
}
