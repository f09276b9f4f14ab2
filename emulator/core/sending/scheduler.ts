/**
 * Durable lifecycle scheduling. A send stores its future events (with their due time) in the same
 * transaction as the message, so an acknowledged send gets all its events even if the process is
 * killed before they are due. When an event falls due on the virtual clock it is recorded
 * through `EventService.record` and its schedule row removed, in one transaction. On start,
 * `start()` re-arms what is pending; anything overdue fires at once.
 */
import type { Clock, Timer } from '../clock';
import type { EventPayload, EventService } from '../events';
import type { Logger, UnitOfWork } from '../ports';
import type { ScheduleRepository } from './model';

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
  ) {}

  /** Store an event to record at `dueAt`. Call inside the caller's transaction; arm after commit. */
  schedule(dueAt: number, payload: EventPayload): void {
    this.repo.insert(dueAt, payload);
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
    const pending = this.repo.due(Number.MAX_SAFE_INTEGER);
    for (const dueAt of new Set(pending.map((r) => r.dueAt))) this.arm(dueAt);
    if (pending.length) this.log.info('lifecycle events rescheduled', { pending: pending.length });
  }

  pending(): number {
    return this.repo.count();
  }

  /** Record everything due now, oldest first, and drop their rows, atomically. */
  fireDue(): number {
    const due = this.repo.due(this.clock.now());
    if (!due.length) return 0;
    // Rows go first so `record` (which announces after its consumers ran) is the last step: if a
    // consumer throws, both roll back and the rows stay for the next attempt.
    this.uow.transaction(() => {
      this.repo.delete(due.map((d) => d.id));
      this.events.record(due.map((d) => d.payload));
    });
    return due.length;
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
