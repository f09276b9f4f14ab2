/**
 * Durable lifecycle scheduling. A send stores its future items (events, and re-checks of a
 * suspended message: lifecycle.ts) with their due time in the same transaction as the message,
 * so an acknowledged send gets its whole lifecycle even if the process is killed before it is
 * due. When items fall due on the virtual clock, in one transaction: events are recorded through
 * `EventService.record` (from their rows: an event keeps its row's text), the rows are removed,
 * and checks are resolved into the next items (stored the same way). On start, `start()` re-arms
 * what is pending; anything overdue fires at once.
 */
import type { Clock, Timer } from '../clock';
import type { EventPayload, EventService, ScheduledSource } from '../events';
import type { Logger, UnitOfWork } from '../ports';
import { isCheck, type Planned, type ScheduledItem, type SuspensionCheck } from './lifecycle';
import type { ScheduleRepository } from './model';

/** Decides a check that fell due at `now` (the domain lookup lives with the caller). */
export type CheckResolver = (check: SuspensionCheck, now: number) => Planned[];

const RETRY_MS = 60_000;

export class EventScheduler {
  /** One clock timer per distinct due time; firing records everything due by then. */
  private readonly timers = new Map<number, Timer>();

  constructor(
    private readonly repo: ScheduleRepository,
    private readonly events: EventService,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly resolve: CheckResolver = () => [],
  ) {}

  /** Store an item to act on at `dueAt`. Call inside the caller's transaction; arm after commit. */
  schedule(dueAt: number, item: ScheduledItem): void {
    this.repo.insert(dueAt, item);
  }

  /** The same for many items (one write for a whole batch). */
  scheduleMany(items: readonly Planned[]): void {
    if (items.length) this.repo.insertMany(items);
  }

  /** Arm a timer for `dueAt` (idempotent). */
  arm(dueAt: number): void {
    if (this.timers.has(dueAt)) return;
    this.timers.set(
      dueAt,
      this.clock.at(dueAt, () => {
        this.timers.delete(dueAt);
        try {
          this.fireDue();
        } catch (err) {
          // Nothing was recorded and the rows remain: try again a virtual minute later.
          this.log.error('recording due lifecycle events failed; retrying in 60 s', { error: err instanceof Error ? err.message : String(err) });
          this.arm(this.clock.now() + RETRY_MS);
        }
      }),
    );
  }

  /** Re-arm every pending row after a restart. */
  start(): void {
    // Due times only: the rows' JSON is parsed when they fall due, not at start.
    for (const dueAt of this.repo.dueTimes()) this.arm(dueAt);
    const pending = this.repo.count();
    if (pending) this.log.info('lifecycle events rescheduled', { pending });
  }

  pending(): number {
    return this.repo.count();
  }

  /** Act on everything due now, oldest first, and drop their rows, atomically. */
  fireDue(): number {
    let fired = 0;
    // A resolved check may plan an item due right now (a reject): the next round picks it up.
    for (;;) {
      const now = this.clock.now();
      const due = this.repo.due(now);
      if (!due.length) return fired;
      const toArm = new Set<number>();
      // One transaction: if anything throws (a consumer of the events), everything rolls back and
      // the rows stay for the next attempt. The events are recorded while their rows still exist
      // (the store may record them as "the payloads of these rows"); the next items of resolved
      // checks are stored after the rows went, and may be due now: the next round picks them up.
      this.uow.transaction(() => {
        const events: EventPayload[] = [];
        // A due row is its own source (`id`, `json`).
        const from: ScheduledSource[] = [];
        for (let i = 0; i < due.length; i++) {
          const d = due[i];
          if (isCheck(d.payload)) continue;
          events.push(d.payload);
          from.push(d);
        }
        if (events.length) this.events.record(events, { scheduled: from });
        this.repo.deleteDue(now);
        for (let i = 0; i < due.length; i++) {
          const d = due[i];
          if (!isCheck(d.payload)) continue;
          const next = this.resolve(d.payload, now);
          this.repo.insertMany(next);
          for (const n of next) toArm.add(n.dueAt);
        }
      });
      for (const t of toArm) if (t > now) this.arm(t);
      fired += due.length;
    }
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
