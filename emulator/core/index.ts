/** The core, assembled from its ports. No HTTP, SMTP, sql.js or node:http in here. */
import { EventBus, type CoreBus } from './bus';
import type { VirtualClock } from './clock';
import { DomainService } from './domains';
import { EventService, type EventRepository } from './events';
import type { DomainRepository, Logger, Random, UnitOfWork, WebhookRepository } from './ports';
import { WebhookService } from './webhooks';

export interface CoreDeps {
  domains: DomainRepository;
  webhooks: WebhookRepository;
  events: EventRepository;
  uow: UnitOfWork;
  clock: VirtualClock;
  random: Random;
  log: Logger;
}

export interface Core {
  readonly bus: CoreBus;
  readonly clock: VirtualClock;
  readonly domains: DomainService;
  readonly webhooks: WebhookService;
  readonly events: EventService;
  /** Advance the virtual clock, firing everything due in order, and tell listeners. */
  advanceClock(seconds: number): Promise<{ from: number; to: number; fired: number }>;
}

export function createCore(deps: CoreDeps): Core {
  const bus: CoreBus = new EventBus((err) => deps.log.error('listener failed', { error: String(err) }));
  const domains = new DomainService(deps.domains, deps.webhooks, deps.uow, deps.clock, bus);
  const webhooks = new WebhookService(deps.webhooks, deps.domains, deps.uow, deps.clock, deps.random, bus);
  const events = new EventService(deps.events, deps.uow, deps.clock, deps.random, bus);
  return {
    bus,
    clock: deps.clock,
    domains,
    webhooks,
    events,
    async advanceClock(seconds) {
      const result = await deps.clock.advance(seconds * 1000);
      bus.emit('clock.advanced', result);
      return result;
    },
  };
}
