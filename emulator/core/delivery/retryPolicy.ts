/** The retry schedule as configuration (SPEC §5: 40 retries, 5 minutes apart, 30 s timeout). */

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
