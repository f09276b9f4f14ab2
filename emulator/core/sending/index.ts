/**
 * The sending part of the core, assembled over the base core: ingest (API and SMTP), lifecycle
 * scheduler, suppressions, trigger and tracking hits, and the message read model.
 */
import type { Core } from '..';
import type { Logger, Random, UnitOfWork } from '../ports';
import type { MessageRepository, ScheduleRepository, StoredMessage, StoredSend, SuppressionRepository } from './model';
import { EventScheduler } from './scheduler';
import { SendingService } from './sendingService';
import { SuppressionService } from './suppressions';
import { EventTrigger } from './trigger';

export interface SendingDeps {
  messages: MessageRepository;
  schedule: ScheduleRepository;
  suppressions: SuppressionRepository;
  uow: UnitOfWork;
  random: Random;
  log: Logger;
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
  const scheduler = new EventScheduler(deps.schedule, core.events, deps.uow, core.clock, deps.log.child('scheduler'));
  const service = new SendingService(deps.messages, core.domains, core.events, scheduler, suppressions, deps.uow, core.clock, deps.random, core.bus);
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
