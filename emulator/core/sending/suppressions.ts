/**
 * Suppressions (SPEC §3): a bounce, spam complaint or unsubscribe suppresses the address for its
 * sending domain. They are made by an event consumer, inside the transaction that records the
 * event, so the two never disagree. A later send to a suppressed address yields `reject`.
 */
import type { DomainService } from '../domains';
import { FieldErrors, NotFoundError } from '../errors';
import type { EventService, StoredEvent } from '../events';
import type { Random } from '../ports';
import { SUPPRESSING_EVENTS, SUPPRESSION_TYPES, type Suppression, type SuppressionRepository, type SuppressionType } from './model';
import { isEmail } from './validation';
import type { Clock } from '../clock';
import type { SendingStream } from '../types';

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
    for (const { payload: p, recordedAt } of stored) {
      const type = SUPPRESSING_EVENTS[p.event];
      if (!type) continue;
      const email = p.email.toLowerCase();
      const domainName = p.sending_domain_name.toLowerCase();
      if (this.repo.find(domainName, email)) continue;
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

  /** A manual suppression (`POST …/suppressions`); an existing one for the address is returned as is. */
  create(input: unknown): Suppression {
    const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const errors = new FieldErrors();
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    if (!isEmail(email)) errors.add('email', 'is invalid');
    const domain = typeof body.domain_id === 'number' ? this.domains.list().find((d) => d.id === body.domain_id) : undefined;
    if (!domain) errors.add('domain_id', 'is invalid');
    const stream = body.sending_stream;
    if (stream !== 'transactional' && stream !== 'bulk') errors.add('sending_stream', 'is invalid');
    const type = body.type ?? 'manual import';
    if (!(SUPPRESSION_TYPES as readonly unknown[]).includes(type)) errors.add('type', 'is invalid');
    errors.throwIfAny();
    const existing = this.repo.find(domain!.domainName, email);
    if (existing) return existing;
    const s: Omit<Suppression, 'seq'> = {
      id: this.random.uuid(),
      type: type as SuppressionType,
      email,
      domainName: domain!.domainName,
      sendingStream: stream as SendingStream,
      createdAt: this.clock.now(),
      messageId: null,
      bounceCategory: null,
      espResponse: null,
    };
    this.repo.insert(s);
    return this.repo.get(s.id)!;
  }

  find(domainName: string, email: string): Suppression | undefined {
    return this.repo.find(domainName.toLowerCase(), email.toLowerCase());
  }

  list(filter: { email?: string } = {}): Suppression[] {
    return this.repo.list({ email: filter.email?.toLowerCase(), limit: 1000 });
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
