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
 *
 * Pruning messages is SQL (~6 µs a message: reading the oldest rows, deleting them and their
 * sends), and checks come as events are recorded, that is in the middle of delivering: past the
 * cap, a 20,000-message send's delivery took ~120 ms longer. So with the store's quiet time
 * (`QuietTime`) messages go down to their cap once the process is quiet, a slice at a time, and a
 * check on the delivery path prunes them only beyond a slack (a quarter of the cap): what a burst
 * leaves waits for the quiet after it, and activity that never pauses keeps them within the cap
 * and its slack. Reads of messages (the messages, email logs and stats routes) call `settle`
 * first, so what they see is within the cap. Events and finished deliveries are pruned to their
 * caps at every check, as before: events in memory, the bulk of what retention bounds; deliveries
 * a few rows a check.
 */
import type { CoreBus } from './bus';
import type { Logger, QuietTime, UnitOfWork } from './ports';

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
  /** `most`: at most that many rows of each kind (a slice). */
  prune(limits: RetentionLimits, most?: number): Pruned;
}

export function retentionLimits(retention: number): RetentionLimits {
  return { events: retention, messages: retention, deliveries: Math.max(1, Math.floor(retention / 10)) };
}

/** Rows of each kind a quiet-time slice prunes (a few ms to ~15 ms of SQL). */
const QUIET_SLICE = 2048;

/** The limits a check on the delivery path prunes to when quiet time takes the rest: messages get a quarter more. */
export function withSlack(limits: RetentionLimits): RetentionLimits {
  return { ...limits, messages: limits.messages + Math.floor(limits.messages / 4) };
}

export class RetentionService {
  private sinceCheck = 0;
  private readonly checkEvery: number;
  /** What a check prunes to: the limits, or with quiet time their slack (`withSlack`). */
  private readonly checkLimits: RetentionLimits;
  /** A quiet-time prune is waiting (or under way): `settle` does it at once. */
  private owed = false;

  constructor(
    private readonly d: {
      repo: RetentionRepository;
      uow: UnitOfWork;
      bus: CoreBus;
      log: Logger;
      limits: RetentionLimits;
      quiet?: QuietTime;
      /** Rows of each kind a quiet-time slice prunes at most (default QUIET_SLICE). */
      quietSlice?: number;
    },
  ) {
    // Often enough that the cap is overshot by at most ~1 %, rarely enough to cost nothing.
    this.checkEvery = Math.max(1, Math.min(1000, Math.floor(d.limits.events / 100)));
    this.checkLimits = d.quiet ? withSlack(d.limits) : d.limits;
    d.bus.on('events.recorded', ({ ids }) => {
      this.sinceCheck += ids.length;
      if (this.sinceCheck >= this.checkEvery) this.check();
    });
  }

  /** Prune to the limits, all at once (at start; `settle`). */
  prune(): Pruned {
    this.sinceCheck = 0;
    this.owed = false;
    return this.run(this.d.limits);
  }

  /** Before a read of messages: a prune still waiting for quiet time is done now. */
  settle(): void {
    if (this.owed) this.prune();
  }

  private check(): void {
    this.sinceCheck = 0;
    this.run(this.checkLimits);
    if (!this.d.quiet) return;
    this.owed = true;
    this.d.quiet.whenQuiet(this.quietSlice); // (one task: a waiting one is not added again)
  }

  /** A quiet-time slice down to the limits; true while more is left. */
  private readonly quietSlice = (): boolean => {
    if (!this.owed) return false;
    let more = false;
    try {
      const slice = this.d.quietSlice ?? QUIET_SLICE;
      const p = this.run(this.d.limits, slice);
      more = p.events >= slice || p.messages >= slice || p.deliveries >= slice;
    } finally {
      // (A slice that failed is logged by the store; the next check schedules one again.)
      if (!more) this.owed = false;
    }
    return more;
  };

  private run(limits: RetentionLimits, most?: number): Pruned {
    const pruned = this.d.uow.transaction(() => this.d.repo.prune(limits, most));
    if (pruned.events || pruned.messages || pruned.deliveries) this.d.log.info('retention pruned old records', { ...pruned, limits });
    return pruned;
  }
}
