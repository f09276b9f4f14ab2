/**
 * The one ingest path (SPEC §2): the Send API, the Batch API and SMTP all end here. A request is
 * validated, its sender's domain ensured, then — in one transaction — the send, one message per
 * recipient (to, cc, bcc order) and every lifecycle event with its due time are stored. Only
 * after that commits are timers armed and the caller answered, so an acknowledged send is never
 * lost and always gets its events.
 */
import type { CoreBus } from '../bus';
import type { Clock } from '../clock';
import type { DomainService } from '../domains';
import { BadRequestError, DomainNotAllowedError, ValidationError } from '../errors';
import type { EventService } from '../events';
import type { Logger, Random, UnitOfWork } from '../ports';
import type { Domain, SendingStream } from '../types';
import { suppressionReason } from './eventBuilder';
import { planRecipient, type Planned } from './lifecycle';
import { MessageIdGenerator } from './messageIds';
import type { Mail, MessageRepository, RecipientKind, StoredMessage } from './model';
import { scenarioFor } from './scenarios';
import type { EventScheduler } from './scheduler';
import type { SuppressionService } from './suppressions';
import { trackableLinks } from './tracking';
import { expandBatch, validateMail } from './validation';

export type IngestSource = 'api' | 'smtp';

/**
 * What a send from an unknown domain does (`--domains`): `auto` creates it, verified, so a first
 * send just works (the emulator's convenience, logged); `strict` refuses it as Mailtrap does.
 */
export type DomainsMode = 'auto' | 'strict';
export const DOMAINS_MODES: readonly DomainsMode[] = ['auto', 'strict'];

export interface SendingPolicy {
  domains?: DomainsMode;
  log?: Logger;
}

export type BatchResult = { success: true; message_ids: string[] } | { success: false; errors: string[] };

interface Prepared {
  mail: Mail;
  domain: Domain;
}

export class SendingService {
  /** Mailtrap's message ids are time-based UUIDs (messageIds.ts); this process's node id is random. */
  private readonly messageIds: MessageIdGenerator;

  constructor(
    private readonly messages: MessageRepository,
    private readonly domains: DomainService,
    private readonly events: EventService,
    private readonly scheduler: EventScheduler,
    private readonly suppressions: SuppressionService,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    random: Random,
    private readonly bus: CoreBus,
    private readonly policy: SendingPolicy = {},
  ) {
    this.messageIds = new MessageIdGenerator(random.hex(6));
  }

  /** Throws DomainNotAllowedError when `--domains strict` would refuse this sender (nothing is created). */
  checkSender(email: string): void {
    const name = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (this.policy.domains === 'strict' && !this.domains.findByName(name)) throw new DomainNotAllowedError(name);
  }

  /** The account's domain for a sender address, or (auto) a new verified one; strict: DomainNotAllowedError. */
  senderDomain(email: string): Domain {
    const name = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const known = this.domains.findByName(name);
    if (known) return known;
    if (this.policy.domains === 'strict') throw new DomainNotAllowedError(name);
    const domain = this.domains.create({ domain_name: name }, { verified: true });
    this.policy.log?.info('sending domain created on first use, verified (--domains auto; use --domains strict to refuse unknown domains)', {
      domain: name,
      id: domain.id,
    });
    return domain;
  }

  /** Validate and store one send request; resolves to one message id per recipient. */
  ingest(input: unknown, stream: SendingStream, source: IngestSource = 'api'): string[] {
    const prepared = this.prepare(input);
    return this.store([prepared], stream, source)[0];
  }

  /** A batch: always answers per request; valid requests are stored together in one transaction. */
  batch(input: unknown, stream: SendingStream): BatchResult[] {
    const requests = expandBatch(input);
    // A batch's requests usually share the sender's domain (from `base`): look each up once.
    const seen = new Map<string, Domain>();
    const ensure = (email: string) => {
      const name = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
      let d = seen.get(name);
      if (!d) seen.set(name, (d = this.senderDomain(email)));
      return d;
    };
    const results: (BatchResult | Prepared)[] = requests.map((r) => {
      try {
        return this.prepare(r, ensure);
      } catch (err) {
        if (err instanceof BadRequestError) return { success: false, errors: err.messages };
        // The request's own answer, as the Send API's 401 words it (the emulator's choice for a batch).
        if (err instanceof DomainNotAllowedError) return { success: false, errors: ['Unauthorized'] };
        throw err;
      }
    });
    const valid = results.filter((r): r is Prepared => 'mail' in r);
    const ids = this.store(valid, stream, 'api');
    let i = 0;
    return results.map((r) => ('mail' in r ? { success: true, message_ids: ids[i++] } : r));
  }

  private prepare(input: unknown, ensure = (email: string) => this.senderDomain(email)): Prepared {
    const mail = validateMail(input);
    const domainName = mail.from.email.slice(mail.from.email.lastIndexOf('@') + 1).toLowerCase();
    try {
      return { mail, domain: ensure(mail.from.email) };
    } catch (err) {
      if (err instanceof ValidationError) {
        throw new BadRequestError([`'from' address domain '${domainName}' cannot be a sending domain`]);
      }
      throw err;
    }
  }

  private store(batch: Prepared[], stream: SendingStream, source: IngestSource): string[][] {
    if (!batch.length) return [];
    const now = this.clock.now();
    const dueTimes = new Set<number>();
    const newEventId = () => this.events.newEventId();
    const out = this.uow.transaction(() => {
      // Rows are collected and written together at the end: one multi-row write per table.
      const messages: Omit<StoredMessage, 'seq'>[] = [];
      const scheduled: Planned[] = [];
      const ids = batch.map(({ mail, domain }) => {
        const { attachments, ...rest } = mail;
        const sendId = this.messages.insertSend(
          {
            createdAt: now,
            stream,
            domainName: domain.domainName,
            source,
            mail: rest,
            openTracking: domain.openTrackingEnabled,
            clickTracking: domain.clickTrackingEnabled,
          },
          attachments,
        );
        // A scheduled click "clicks" the first tracked link, as a person most likely would.
        const url = mail.html ? trackableLinks(mail.html)[0] : undefined;
        const verified = domain.dnsVerifiedAt !== null;
        const sendIds: string[] = [];
        // Recipients in to, cc, bcc order.
        const plan = (kind: RecipientKind, email: string): string => {
          const id = this.messageIds.next(now);
          messages.push({ id, sendId, email, kind, createdAt: now });
          const ctx = {
            messageId: id,
            email,
            stream,
            domainName: domain.domainName,
            category: mail.category,
            customVariables: mail.customVariables,
          };
          const suppressed = this.suppressions.find(domain.domainName, stream, email);
          const planned = planRecipient({
            ctx,
            scenario: scenarioFor(email),
            sentAt: now,
            suppressedReason: suppressed ? suppressionReason(suppressed.type) : undefined,
            domainVerified: verified,
            url,
            newEventId,
          });
          for (let k = 0; k < planned.length; k++) {
            scheduled.push(planned[k]);
            dueTimes.add(planned[k].dueAt);
          }
          return id;
        };
        for (let k = 0; k < mail.to.length; k++) sendIds.push(plan('to', mail.to[k].email));
        for (let k = 0; k < mail.cc.length; k++) sendIds.push(plan('cc', mail.cc[k].email));
        for (let k = 0; k < mail.bcc.length; k++) sendIds.push(plan('bcc', mail.bcc[k].email));
        return sendIds;
      });
      this.messages.insertMessages(messages);
      this.scheduler.scheduleMany(scheduled);
      return ids;
    });
    for (const due of dueTimes) this.scheduler.arm(due);
    batch.forEach(({ mail }, i) =>
      this.bus.emit('message.created', {
        messageIds: out[i],
        stream,
        from: mail.from.email,
        subject: mail.subject,
        category: mail.category,
        createdAt: now,
      }),
    );
    return out;
  }
}
