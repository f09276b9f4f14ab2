/**
 * The emulator's services over one store: the core, sending, delivery and retention, wired to the
 * sql.js repositories. Used by the composition root (server.ts) and by tests that want the real
 * wiring without the listeners, so the two cannot drift apart.
 */
import type { Config } from './config';
import { createCore, type Core } from './core';
import type { VirtualClock } from './core/clock';
import { DeliveryService } from './core/delivery/deliveryService';
import { retryPolicy } from './core/delivery/retryPolicy';
import type { WebhookSender } from './core/delivery/types';
import type { Logger, Random } from './core/ports';
import { RetentionService, retentionLimits } from './core/retention';
import { createSending, type Sending } from './core/sending';
import type { Store } from './store/database';
import { SqlDeliveryRepository } from './store/deliveryRepository';
import { SqlEventRepository } from './store/eventRepository';
import { SqlDomainRepository, SqlWebhookRepository } from './store/repositories';
import { SqlRetentionRepository } from './store/retentionRepository';
import { SqlScheduleRepository } from './store/scheduleRepository';
import { SqlMessageRepository, SqlSuppressionRepository } from './store/sendingRepositories';

export type ServiceSettings = Pick<Config, 'retries' | 'retryInterval' | 'timeout' | 'batchInterval' | 'batchMax' | 'retention'> & Partial<Pick<Config, 'domains'>>;

export interface ServiceDeps {
  store: Store;
  clock: VirtualClock;
  random: Random;
  log: Logger;
  /** Outbound HTTP for webhook attempts. */
  sender: WebhookSender;
  settings: ServiceSettings;
}

export interface Services {
  core: Core;
  sending: Sending;
  delivery: DeliveryService;
  retention: RetentionService;
}

/** Builds and wires every service; nothing is started (timers, pruning) until the caller says so. */
export function assembleServices({ store, clock, random, log, sender, settings }: ServiceDeps): Services {
  const core = createCore({
    domains: new SqlDomainRepository(store),
    webhooks: new SqlWebhookRepository(store),
    events: new SqlEventRepository(store),
    uow: store,
    clock,
    random,
    log: log.child('core'),
  });
  const sending = createSending(core, {
    messages: new SqlMessageRepository(store),
    schedule: new SqlScheduleRepository(store),
    suppressions: new SqlSuppressionRepository(store),
    domains: settings.domains ?? 'auto',
    uow: store,
    random,
    log: log.child('sending'),
  });
  const delivery = new DeliveryService({
    repo: new SqlDeliveryRepository(store),
    webhooks: new SqlWebhookRepository(store),
    webhookService: core.webhooks,
    domains: core.domains,
    events: core.events,
    sender,
    uow: store,
    clock,
    bus: core.bus,
    random,
    log: log.child('delivery'),
    policy: retryPolicy(settings),
    batchIntervalMs: Math.round(settings.batchInterval * 1000),
    batchMax: settings.batchMax,
  });
  const retention = new RetentionService({
    repo: new SqlRetentionRepository(store),
    uow: store,
    bus: core.bus,
    log: log.child('retention'),
    limits: retentionLimits(settings.retention),
    quiet: store,
  });
  return { core, sending, delivery, retention };
}
