/**
 * The sending part of the core, assembled over the base core: ingest (API and SMTP), lifecycle
 * scheduler, suppressions, trigger and tracking hits, and the message read model.
 */
import type { Core } from '..';
import type { Logger, Random, UnitOfWork } from '../ports';
import type { MessageRepository, ScheduleRepository, StoredMessage, StoredSend, SuppressionRepository } from './model';
import { resolveCheck } from './lifecycle';
import { EventScheduler } from './scheduler';
import { SendingService, type DomainsMode } from './sendingService';
import { SuppressionService } from './suppressions';
import { EventTrigger } from './trigger';

export interface SendingDeps {
  messages: MessageRepository;
  schedule: ScheduleRepository;
  suppressions: SuppressionRepository;
  uow: UnitOfWork;
  random: Random;
  log: Logger;
  /** `--domains` (default `auto`). */
  domains?: DomainsMode;
}

export interface MessageView {
  message: StoredMessage;
  send: StoredSend;
}

export interface Sending {
  readonly service: SendingService;
  readonly scheduler: EventScheduler;
  readonly suppressions: SuppressionService;
  readonly trigger: EventTrigger;
  /** Newest first. */
  listMessages(filter: { email?: string; beforeSeq?: number; limit: number }): { items: MessageView[]; total: number };
  getMessage(id: string): MessageView | undefined;
  /** Decoded bytes of a send's attachment (by position). */
  attachmentContent(sendId: number, position: number): Uint8Array | undefined;
}

export function createSending(core: Core, deps: SendingDeps): Sending {
  const suppressions = new SuppressionService(deps.suppressions, deps.random, core.domains, core.clock);
  suppressions.attach(core.events);
  // A suspended message's re-check looks at its domain as it is now (gone: never verified).
  const resolve = (check: Parameters<typeof resolveCheck>[0], now: number) =>
    resolveCheck(check, now, core.domains.findByName(check.ctx.domainName)?.dnsVerifiedAt, () => core.events.newEventId());
  const scheduler = new EventScheduler(deps.schedule, core.events, deps.uow, core.clock, deps.log.child('scheduler'), resolve);
  const service = new SendingService(deps.messages, core.domains, core.events, scheduler, suppressions, deps.uow, core.clock, deps.random, core.bus, {
    domains: deps.domains ?? 'auto',
    log: deps.log.child('domains'),
  });
  const trigger = new EventTrigger(deps.messages, core.domains, core.events, core.clock, deps.random);
  const view = (message: StoredMessage): MessageView => ({ message, send: deps.messages.getSend(message.sendId)! });
  return {
    service,
    scheduler,
    suppressions,
    trigger,
    listMessages(filter) {
      return { items: deps.messages.list(filter).map(view), total: deps.messages.count(filter) };
    },
    getMessage(id) {
      const m = deps.messages.get(id);
      return m && view(m);
    },
    attachmentContent: (sendId, position) => deps.messages.attachmentContent(sendId, position),
  };
}

export type { MessageCreated } from './model';
