/**
 * The retry schedule as configuration (SPEC §5: 40 retries, 5 minutes apart, 30 s timeout), and the
 * pure decision of what a delivery becomes after an attempt.
 */
import { OPEN_STATUSES, type Delivery, type DeliveryStatus, type DeliveryUpdate } from './types';

export interface RetryPolicy {
  /** Attempts in all: the first plus the retries (41 by default). */
  readonly maxAttempts: number;
  /** Virtual ms from one attempt's start to the next. */
  readonly intervalMs: number;
  /** Virtual ms an attempt may take. */
  readonly timeoutMs: number;
}

export function retryPolicy(c: { retries: number; retryInterval: number; timeout: number }): RetryPolicy {
  return Object.freeze({
    maxAttempts: c.retries + 1,
    intervalMs: Math.round(c.retryInterval * 1000),
    timeoutMs: Math.round(c.timeout * 1000),
  });
}

/**
 * What the next attempt is counted from: the time the attempt was due when it ran on schedule
 * (so the real milliseconds each attempt takes do not accumulate into the schedule), or the
 * time it started when it ran late (after a pause, or after a restart).
 */
export function scheduleBase(dueAt: number | null, startedAt: number, policy: RetryPolicy): number {
  if (dueAt === null || dueAt > startedAt || startedAt - dueAt >= policy.intervalMs) return startedAt;
  return dueAt;
}

/** When the attempt after `attemptNumber` (1-based) is due, or null when the schedule is spent. */
export function nextAttemptAt(policy: RetryPolicy, attemptNumber: number, base: number, now: number): number | null {
  if (attemptNumber >= policy.maxAttempts) return null;
  return Math.max(base + policy.intervalMs, now);
}

/** What an attempt came to, as far as the schedule cares. */
export interface AttemptResult {
  ok: boolean;
  /** The response status, or null when none arrived. */
  status: number | null;
  error: string | null;
  startedAt: number;
}

export interface AttemptDecision {
  /** The delivery's new state. */
  update: DeliveryUpdate;
  /** The last attempt failed: the batch is dropped and its webhook is to be paused (SPEC §5). */
  pauseWebhook: boolean;
}

/**
 * The delivery after its `attemptNumber`-th attempt (1-based): delivered, retrying at the next
 * slot, or failed with its webhook paused once the schedule is spent. A delivery that stopped
 * being open while the attempt ran (its webhook was deleted) keeps its status and error.
 */
export function decideAfterAttempt(
  policy: RetryPolicy,
  a: { current: Pick<Delivery, 'status' | 'lastError'>; dueAt: number | null; attemptNumber: number; result: AttemptResult; now: number },
): AttemptDecision {
  const { result, attemptNumber: n } = a;
  const stillOpen = OPEN_STATUSES.includes(a.current.status);
  const next = result.ok ? null : nextAttemptAt(policy, n, scheduleBase(a.dueAt, result.startedAt, policy), a.now);
  const status: DeliveryStatus = !stillOpen ? a.current.status : result.ok ? 'delivered' : next === null ? 'failed' : 'retrying';
  const pauseWebhook = stillOpen && status === 'failed';
  const lastError = !stillOpen ? a.current.lastError : pauseWebhook ? `${result.error}; retries exhausted after ${n} attempt${n === 1 ? '' : 's'}, webhook paused` : result.error;
  return {
    update: { status, attemptCount: n, nextAttemptAt: stillOpen ? next : null, lastStatus: result.status, lastError },
    pauseWebhook,
  };
}
