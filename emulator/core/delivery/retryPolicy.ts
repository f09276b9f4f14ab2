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

/** When the attempt after `attemptNumber` (1-based) is due, or null when the schedule is spent. */
export function nextAttemptAt(policy: RetryPolicy, attemptNumber: number, startedAt: number, now: number): number | null {
  if (attemptNumber >= policy.maxAttempts) return null;
  return Math.max(startedAt + policy.intervalMs, now);
}
