/**
 * The delivery engine (SPEC §5). Events are queued per webhook inside the recording transaction;
 * every batch interval a webhook's queue becomes batches of at most `batchMax` events, oldest
 * first, each with a body fixed at creation. Attempts run on the virtual clock; a failed batch
 * is retried on the policy's schedule and, when it is spent, dropped with the webhook paused.
 *
 * Durability: queue, batches, attempts and `nextAttemptAt` are in the store (its queue and events
 * in memory: the hot path reads no SQL); timers are only in memory, armed after each commit that
 * queues events and rebuilt by `start()`. An attempt is recorded after it ends, so a batch in flight
 * at a crash is attempted again after restart with the same body (at-least-once).
 *
 * Concurrency: attempts of one webhook's flush go out in order; different webhooks never wait
 * for each other (each has its own timers and the clock does not serialise real-time firing).
 */
import type { CoreBus } from '../bus';
import type { Clock, Timer } from '../clock';
import type { DomainService } from '../domains';
import { NotFoundError, ValidationError } from '../errors';
import type { EventService, StoredEvent } from '../events';
import type { Logger, Random, UnitOfWork, WebhookRepository } from '../ports';
import type { Domain, Webhook } from '../types';
import { performAttempt } from './attempt';
import { eventKeys, newBatch, newDelivery } from './batch';
import { bodyText, buildBody, parseBody } from './body';
import { dummyEvents } from './dummyEvents';
import { decideAfterAttempt, type RetryPolicy } from './retryPolicy';
import { sign } from './signature';
import { routes } from './routing';
import { displayUrl } from './target';
import {
  OPEN_STATUSES,
  type Delivery,
  type DeliveryView,
  type DeliveryFilter,
  type DeliveryRepository,
  type WebhookSender,
} from './types';


export interface DeliveryDeps {
  repo: DeliveryRepository;
  webhooks: WebhookRepository;
  webhookService: { setActive(id: number, active: boolean): Webhook };
  domains: DomainService;
  events: EventService;
  sender: WebhookSender;
  uow: UnitOfWork;
  clock: Clock;
  bus: CoreBus;
  random: Random;
  log: Logger;
  policy: RetryPolicy;
  batchIntervalMs: number;
  batchMax: number;
}

export interface TestResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  deliveryId: number;
}

export class DeliveryService {
  private readonly flushTimers = new Map<number, Timer>();
  private readonly attemptTimers = new Map<number, Timer>();
  private readonly inflight = new Map<number, Promise<void>>();
  /** A batch body's signature made while the batch before it was out, by body (a flush's next batch). */
  private readonly signed = new WeakMap<Uint8Array, { secret: string; signature: string }>();
  /** Per webhook, a flush still cutting batches: resolves once it has cut its last. */
  private readonly cutting = new Map<number, Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(private readonly d: DeliveryDeps) {
    d.events.addConsumer((events) => this.enqueue(events));
    d.bus.on('webhook.updated', (w) => {
      if (w.active) this.resume(w.id);
    });
    d.bus.on('webhook.deleted', (w) => this.drop(w.id));
  }

  /** Rebuild timers from the store (start-up, after a crash). */
  start(): void {
    for (const q of this.d.repo.queuedWebhooks()) this.armFlush(q.webhookId, q.oldestQueuedAt);
    for (const del of this.d.repo.open()) this.schedule(del);
    const open = this.d.repo.openCount();
    if (open) this.d.log.info('pending deliveries rescheduled', { open });
  }

  /** Stop timers and abort requests in flight; interrupted attempts are not recorded and run again after restart. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    for (const t of this.flushTimers.values()) t.cancel();
    for (const t of this.attemptTimers.values()) t.cancel();
    this.flushTimers.clear();
    this.attemptTimers.clear();
    await Promise.allSettled([...this.inflight.values()]);
    await this.d.sender.close();
  }

  pendingCount(): number {
    return this.d.repo.openCount();
  }

  /** `body: false`: their bodies are left out (each `body` is ''), for summaries. */
  list(f: DeliveryFilter, opts: { body?: boolean } = {}): { data: DeliveryView[]; total: number } {
    const data = this.d.repo.list(f, opts).map((del) => this.view(del));
    return { data, total: this.d.repo.count({ ...f, beforeId: undefined }) };
  }

  get(id: number): DeliveryView {
    const del = this.d.repo.get(id);
    if (!del) throw new NotFoundError();
    return this.view(del);
  }

  /**
   * A new delivery (kind `resend`) of a whole batch or of one of its events, with its own
   * schedule. It follows the webhook's rules: to a paused webhook it waits for resume.
   */
  resend(id: number, eventId?: string): DeliveryView {
    const src = this.d.repo.get(id);
    if (!src) throw new NotFoundError();
    if (!this.d.webhooks.get(src.webhookId)) throw new NotFoundError('Webhook');
    let events = parseBody(bodyText(src.body), src.payloadFormat);
    let body = src.body;
    if (eventId !== undefined) {
      const one = events.find((e) => e.event_id === eventId);
      if (!one) throw new ValidationError({ event_id: ['is not in this delivery'] });
      events = [one];
      body = buildBody(events, src.payloadFormat);
    }
    const now = this.d.clock.now();
    const del = this.d.uow.transaction(() =>
      this.d.repo.insert(
        { ...newDelivery('resend', src.webhookId, src.webhookUrl, src.payloadFormat, eventKeys(events), body, now), sourceId: src.id },
        eventKeys(events),
      ),
    );
    this.emit('delivery.created', del);
    this.schedule(del);
    return this.view(del);
  }

  /** The test button: one dummy event per selected type, signed, sent now; no batching, no retries. */
  async test(webhookId: number): Promise<TestResult> {
    const webhook = this.d.webhooks.get(webhookId);
    if (!webhook) throw new NotFoundError();
    const domainName = webhook.domainId === null ? null : (this.domainOf(webhook.domainId)?.domainName ?? null);
    const events = dummyEvents(webhook, { now: this.d.clock.now(), uuid: () => this.d.random.uuid(), domainName });
    const body = buildBody(events, webhook.payloadFormat);
    const out = await performAttempt({
      sender: this.d.sender,
      clock: this.d.clock,
      timeoutMs: this.d.policy.timeoutMs,
      webhook,
      body,
      format: webhook.payloadFormat,
      shutdown: this.shutdown.signal,
    });
    const del = this.d.uow.transaction(() => {
      const base = newDelivery('test', webhook.id, displayUrl(webhook.url), webhook.payloadFormat, eventKeys(events), body, out.startedAt);
      const inserted = this.d.repo.insert(
        { ...base, status: out.ok ? 'delivered' : 'failed', attemptCount: 1, nextAttemptAt: null, lastStatus: out.response?.status ?? null, lastError: out.error },
        eventKeys(events),
      );
      this.d.repo.insertAttempt({ ...out, deliveryId: inserted.id, number: 1 });
      return inserted;
    });
    this.emit('delivery.created', del);
    return {
      ok: out.ok,
      status: out.response?.status ?? null,
      durationMs: out.durationMs,
      error: out.error,
      responseBody: out.response?.body ?? null,
      deliveryId: del.id,
    };
  }

  // ---- queueing and batching

  /** EventService consumer: runs inside the recording transaction. */
  private enqueue(events: StoredEvent[]): void {
    const hooks = this.d.webhooks.list().filter((w) => w.active && w.webhookType === 'email_sending');
    if (!hooks.length) return;
    const now = this.d.clock.now();
    const domains = new Map<number, Domain | undefined>();
    const domainOf = (id: number) => {
      if (!domains.has(id)) domains.set(id, this.domainOf(id));
      return domains.get(id);
    };
    // The store's queue is what batches are cut from (`queuedBatch`): nothing of an event is kept
    // here from its recording to its batch (issue 13). An entry is its webhook and event row.
    const queued: { webhookId: number; eventRowId: number }[] = [];
    /** The webhooks that get some, for their flush timers. */
    const got: number[] = [];
    // Indexed loops here and on the rest of the send → due → batch path: these run once a round over
    // tens of thousands of items, mostly before the optimizer has compiled them, where a for-of
    // allocates an iterator result per item.
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      for (let j = 0; j < hooks.length; j++) {
        const w = hooks[j];
        if (!routes(w, e.payload, domainOf)) continue;
        queued.push({ webhookId: w.id, eventRowId: e.id });
        if (!got.includes(w.id)) got.push(w.id);
      }
    }
    if (!queued.length) return;
    this.d.repo.enqueue(queued, now);
    // Their timers once the recording commits (a rollback leaves nothing queued).
    this.d.uow.afterCommit(() => {
      for (let i = 0; i < got.length; i++) this.armFlush(got[i], now);
    });
  }

  private armFlush(webhookId: number, oldestQueuedAt: number): void {
    if (this.shutdown.signal.aborted || this.flushTimers.has(webhookId)) return;
    const due = Math.max(oldestQueuedAt + this.d.batchIntervalMs, this.d.clock.now());
    this.flushTimers.set(webhookId, this.d.clock.at(due, () => this.flush(webhookId)));
  }

  private async flush(webhookId: number): Promise<void> {
    this.flushTimers.delete(webhookId);
    const webhook = this.d.webhooks.get(webhookId);
    if (!webhook) {
      this.d.uow.transaction(() => this.d.repo.clearQueue(webhookId));
      return;
    }
    if (!webhook.active) return; // the queue waits for resume
    // This flush's events: those queued by now. A flush of the same webhook still cutting goes
    // first, so that batches keep queue order.
    const upTo = this.d.repo.queueMark();
    const before = this.cutting.get(webhookId);
    let cutDone!: () => void;
    const cutting = new Promise<void>((resolve) => (cutDone = resolve));
    this.cutting.set(webhookId, cutting);
    const url = displayUrl(webhook.url);
    let batches = 0;
    /**
     * The next batch, cut from the front of the store's queue, its body made from the events' JSON
     * as the store keeps it (as bytes: jsonText.ts; never made into a string here: a 150 KB one
     * cost ~1 ms, and the collector more); undefined when this flush has none left, or the webhook
     * was paused or deleted meanwhile (what is left waits in its queue, or went with it). With the
     * commit mark after it: it goes out once the journal holds it.
     */
    const cut = (): { del: Delivery; durableUpTo: number | undefined } | undefined => {
      for (;;) {
        const batch = this.shutdown.signal.aborted || !this.d.webhooks.get(webhookId)?.active ? undefined : this.d.repo.queuedBatch(webhookId, this.d.batchMax, webhook.payloadFormat, upTo);
        if (!batch) {
          cutDone();
          return undefined;
        }
        const del = this.d.uow.transaction(() => {
          const inserted = batch.eventRowIds.length ? this.d.repo.insertBatch(newBatch(webhookId, url, webhook.payloadFormat, batch, this.d.clock.now()), batch) : undefined;
          this.d.repo.dequeue(webhookId, batch.through);
          return inserted;
        });
        if (!del) continue;
        batches++;
        this.emit('delivery.created', del);
        return { del, durableUpTo: this.d.uow.commitMark?.() };
      }
    };
    try {
      if (before) await before;
      await this.attemptInOrder(cut);
    } finally {
      cutDone();
      if (this.cutting.get(webhookId) === cutting) this.cutting.delete(webhookId);
      if (batches) this.d.log.debug('batches created', { webhookId, batches });
    }
  }

  /**
   * Each batch `cut` gives and its first attempt, oldest first, one after another. A batch is cut
   * while the one before it is out (issue 13: cutting all of a flush's batches first held back its
   * first request by ~30 ms a 40,000-event flush). The next one goes out as soon as the previous one
   * is answered with a 200, while its record is written (the record was a part of each batch's
   * round trip); after any other outcome, once its record is written (it may have paused the
   * webhook). Resolves when every attempt is recorded; rejects with the first error, after the
   * records already under way have settled.
   */
  private async attemptInOrder(cut: () => { del: Delivery; durableUpTo: number | undefined } | undefined): Promise<void> {
    const records: Promise<void>[] = [];
    try {
      for (let next = cut(); next; ) {
        let answered!: () => void;
        const answer = new Promise<void>((resolve) => (answered = resolve));
        const record = this.runAttempt(next.del.id, next.del, next.durableUpTo, answered);
        records.push(record);
        // Once its request is on its way, the next batch is cut and signed while it is answered.
        await this.d.sender.written?.();
        const following = cut();
        if (following) this.signAhead(following.del);
        await Promise.race([answer, record]);
        next = following;
      }
    } finally {
      const settled = await Promise.allSettled(records);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  // ---- attempts

  /**
   * Signs a batch's body now, for its first attempt to take: the HMAC of a 150 KB body (0.1–0.3 ms)
   * then happens while the batch before it is out, not between one answer and the next request.
   */
  private signAhead(del: Delivery): void {
    const secret = this.d.webhooks.get(del.webhookId)?.signingSecret;
    if (secret !== undefined && typeof del.body !== 'string') this.signed.set(del.body, { secret, signature: sign(del.body, secret) });
  }

  private schedule(del: Delivery): void {
    if (this.shutdown.signal.aborted || this.attemptTimers.has(del.id) || this.inflight.has(del.id)) return;
    const due = del.nextAttemptAt ?? this.d.clock.now();
    this.attemptTimers.set(
      del.id,
      this.d.clock.at(due, () => {
        this.attemptTimers.delete(del.id);
        return this.runAttempt(del.id, del);
      }),
    );
  }

  /**
   * `held`: the delivery as the caller has it; only its state is read again (`refresh`: the rest,
   * its body included, never changes: a batch the engine cut holds its body's bytes, which every
   * attempt while it is held signs and sends as they are). `durableUpTo`: a `commitMark` after its own commit.
   * `answered`: called when a 200 answered it, before its record is written (a turn later).
   */
  private runAttempt(id: number, held?: Delivery, durableUpTo?: number, answered?: () => void): Promise<void> {
    if (this.shutdown.signal.aborted) return Promise.resolve(); // the store may already be closed
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.attemptOnce(id, held, durableUpTo, answered).then(
      (updated) => {
        this.inflight.delete(id);
        if (updated?.status === 'retrying') this.schedule(updated);
      },
      (err) => {
        this.inflight.delete(id);
        throw err;
      },
    );
    this.inflight.set(id, p);
    return p;
  }

  /** Makes one attempt and records it; returns the delivery as updated, or null when none was made. */
  private async attemptOnce(id: number, held?: Delivery, durableUpTo?: number, answered?: () => void): Promise<Delivery | null> {
    const del = held ? this.d.repo.refresh(held) : this.d.repo.get(id);
    if (!del || !OPEN_STATUSES.includes(del.status)) return null;
    const webhook = this.d.webhooks.get(del.webhookId);
    if (!webhook) {
      this.drop(del.webhookId);
      return null;
    }
    if (!webhook.active) return null; // waits; resume() reschedules it
    // Nothing leaves the process before the journal holds the batch and the events in it
    // (`durableUpTo`: a mark after the batch's commit; else everything committed so far).
    await this.d.uow.durable?.(durableUpTo);
    const out = await performAttempt({
      sender: this.d.sender,
      clock: this.d.clock,
      timeoutMs: this.d.policy.timeoutMs,
      webhook,
      body: del.body,
      format: del.payloadFormat,
      shutdown: this.shutdown.signal,
      signed: typeof del.body === 'string' ? undefined : this.signed.get(del.body),
    });
    if (out.interrupted) return null;
    if (answered && out.ok) {
      // Nothing the record of a 200 does can hold back another batch (no pause, no retry): it is
      // written once the next batch's request is (issue 13: it was a part of each round trip).
      answered();
      await this.d.sender.written?.();
    }
    const number = del.attemptCount + 1;
    const now = this.d.clock.now();
    let exhausted = false;
    // The webhook as the pause left it, for the `webhook.paused` announcement.
    let pausedWebhook: Webhook | undefined;
    const updated = this.d.uow.transaction(() => {
      this.d.repo.insertAttempt({ ...out, deliveryId: id, number });
      const current = this.d.repo.refresh(del)!; // a delete may have cancelled it meanwhile
      const { update, pauseWebhook } = decideAfterAttempt(this.d.policy, {
        current,
        dueAt: del.nextAttemptAt,
        attemptNumber: number,
        result: { ok: out.ok, status: out.response?.status ?? null, error: out.error, startedAt: out.startedAt },
        now,
      });
      this.d.repo.update(id, update);
      exhausted = pauseWebhook;
      if (pauseWebhook) {
        const w = this.d.webhooks.get(del.webhookId);
        pausedWebhook = w?.active ? this.d.webhookService.setActive(w.id, false) : w;
      }
      return { ...current, ...update };
    });
    this.emit('delivery.updated', updated);
    if (exhausted) {
      this.d.log.warn('batch dropped after its last attempt failed; webhook paused', {
        deliveryId: id,
        webhookId: del.webhookId,
        attempts: number,
        lastError: out.error,
      });
      if (pausedWebhook) this.d.bus.emit('webhook.paused', { webhook: pausedWebhook, deliveryId: id, attempts: number, lastError: out.error });
    } else if (!out.ok) {
      // A failed attempt is something to look at (a warning), not routine (info).
      this.d.log.warn('attempt failed', { deliveryId: id, webhookId: del.webhookId, attempt: number, error: out.error });
    }
    return updated;
  }

  // ---- webhook lifecycle

  private resume(webhookId: number): void {
    const queued = this.d.repo.queuedWebhooks().find((q) => q.webhookId === webhookId);
    if (queued) this.armFlush(webhookId, queued.oldestQueuedAt);
    for (const del of this.d.repo.open(webhookId)) this.schedule(del);
  }

  /** The webhook is gone: its queue is dropped and its open deliveries cancelled. */
  private drop(webhookId: number): void {
    this.flushTimers.get(webhookId)?.cancel();
    this.flushTimers.delete(webhookId);
    const cancelled = this.d.uow.transaction(() => {
      this.d.repo.clearQueue(webhookId);
      return this.d.repo.open(webhookId).map((del) => {
        const u = { status: 'cancelled', attemptCount: del.attemptCount, nextAttemptAt: null, lastStatus: del.lastStatus, lastError: 'webhook deleted' } as const;
        this.d.repo.update(del.id, u);
        return { ...del, ...u };
      });
    });
    for (const del of cancelled) {
      this.attemptTimers.get(del.id)?.cancel();
      this.attemptTimers.delete(del.id);
      this.emit('delivery.updated', del);
    }
  }

  private domainOf(id: number): Domain | undefined {
    try {
      return this.d.domains.get(id);
    } catch {
      return undefined;
    }
  }

  private view(del: Delivery): DeliveryView {
    return { ...del, attempts: this.d.repo.attempts(del.id) };
  }

  private emit(name: 'delivery.created' | 'delivery.updated', del: Delivery): void {
    // The view reads every attempt from the store: only for a listener (the SSE stream, when open).
    if (!this.d.bus.listened(name)) return;
    this.d.bus.emit(name, this.view(del));
  }
}
