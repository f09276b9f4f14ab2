/**
 * Retention (SPEC §7, `--retention N`): bounds what the store keeps for inspection so a long
 * session cannot grow memory without end. Beyond the caps the oldest rows go, except those still
 * needed for at-least-once delivery or a pending lifecycle:
 * - events: at most N; an event still queued for a webhook or in an open (pending/retrying)
 *   batch is never pruned;
 * - messages (with their send and attachments): at most N; a message with lifecycle events still
 *   scheduled is never pruned;
 * - finished deliveries (delivered/failed/cancelled) with their attempts: at most N/10 (a batch
 *   holds many events); open ones are never pruned.
 * Pruning runs in one transaction, at start and then every `checkEvery` recorded events.
 */
import type { CoreBus } from './bus';
import type { Logger, UnitOfWork } from './ports';

export interface RetentionLimits {
  events: number;
  messages: number;
  deliveries: number;
}

export interface Pruned {
  events: number;
  messages: number;
  deliveries: number;
}

/** The store side: delete the oldest unprotected rows beyond each limit. Deterministic (journaled). */
export interface RetentionRepository {
  prune(limits: RetentionLimits): Pruned;
}

export function retentionLimits(retention: number): RetentionLimits {
  return { events: retention, messages: retention, deliveries: Math.max(1, Math.floor(retention / 10)) };
}

export class RetentionService {
  private sinceCheck = 0;
  private readonly checkEvery: number;

  constructor(
    private readonly d: { repo: RetentionRepository; uow: UnitOfWork; bus: CoreBus; log: Logger; limits: RetentionLimits },
  ) {
    // Often enough that the cap is overshot by at most ~1 %, rarely enough to cost nothing.
    this.checkEvery = Math.max(1, Math.min(1000, Math.floor(d.limits.events / 100)));
    d.bus.on('events.recorded', (events) => {
      this.sinceCheck += events.length;
      if (this.sinceCheck >= this.checkEvery) this.prune();
    });
  }

  prune(): Pruned {
    this.sinceCheck = 0;
    const pruned = this.d.uow.transaction(() => this.d.repo.prune(this.d.limits));
    if (pruned.events || pruned.messages || pruned.deliveries) this.d.log.info('retention pruned old records', { ...pruned, limits: this.d.limits });
    return pruned;
  }
}
