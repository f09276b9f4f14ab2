/** What a delivery becomes after an attempt (SPEC §5), as a table over the pure decision beside the retry policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryStatus } from '../../../emulator/core/delivery/types';
import { decideAfterAttempt, retryPolicy, type AttemptDecision } from '../../../emulator/core/delivery/retryPolicy';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
/** Mailtrap's schedule: 40 retries 5 minutes apart, 30 s timeout. */
const mailtrap = retryPolicy({ retries: 40, retryInterval: 300, timeout: 30 });
const noRetries = retryPolicy({ retries: 0, retryInterval: 300, timeout: 30 });

const ok200 = { ok: true, status: 200, error: null };
const fail500 = { ok: false, status: 500, error: 'status 500' };
const timeout = { ok: false, status: null, error: 'timeout after 30 s' };
const created204 = { ok: false, status: 204, error: 'status 204' };

interface Row {
  name: string;
  policy?: typeof mailtrap;
  current?: DeliveryStatus;
  dueAt: number | null;
  attempt: number;
  result: { ok: boolean; status: number | null; error: string | null };
  startedAt: number;
  now?: number;
  expect: { status: DeliveryStatus; next: number | null; pause: boolean; lastStatus: number | null; lastError: string | null };
}

const rows: Row[] = [
  { name: 'a 200 on the first attempt is delivered', dueAt: null, attempt: 1, result: ok200, startedAt: T0, expect: { status: 'delivered', next: null, pause: false, lastStatus: 200, lastError: null } },
  { name: 'a 500 on the first attempt is retried 5 minutes after it was due', dueAt: T0, attempt: 1, result: fail500, startedAt: T0, expect: { status: 'retrying', next: T0 + 5 * MIN, pause: false, lastStatus: 500, lastError: 'status 500' } },
  { name: 'another 2xx is a failure too', dueAt: T0, attempt: 1, result: created204, startedAt: T0, expect: { status: 'retrying', next: T0 + 5 * MIN, pause: false, lastStatus: 204, lastError: 'status 204' } },
  { name: 'a timeout has no status and is retried', dueAt: T0, attempt: 3, result: timeout, startedAt: T0, now: T0 + 30_000, expect: { status: 'retrying', next: T0 + 5 * MIN, pause: false, lastStatus: null, lastError: 'timeout after 30 s' } },
  { name: 'the 40th attempt failing still leaves one retry', dueAt: T0, attempt: 40, result: fail500, startedAt: T0, expect: { status: 'retrying', next: T0 + 5 * MIN, pause: false, lastStatus: 500, lastError: 'status 500' } },
  { name: 'the 41st attempt failing drops the batch and pauses the webhook', dueAt: T0, attempt: 41, result: fail500, startedAt: T0, expect: { status: 'failed', next: null, pause: true, lastStatus: 500, lastError: 'status 500; retries exhausted after 41 attempts, webhook paused' } },
  { name: 'the 41st attempt succeeding is delivered', dueAt: T0, attempt: 41, result: ok200, startedAt: T0, expect: { status: 'delivered', next: null, pause: false, lastStatus: 200, lastError: null } },
  { name: 'with --retries 0 the first failure is the last', policy: noRetries, dueAt: null, attempt: 1, result: fail500, startedAt: T0, expect: { status: 'failed', next: null, pause: true, lastStatus: 500, lastError: 'status 500; retries exhausted after 1 attempt, webhook paused' } },
  { name: 'a little late (real ms of the attempt): the schedule keeps its slots', dueAt: T0, attempt: 2, result: fail500, startedAt: T0 + 40, expect: { status: 'retrying', next: T0 + 5 * MIN, pause: false, lastStatus: 500, lastError: 'status 500' } },
  { name: 'much later (after a resume or a restart): counted from when it ran', dueAt: T0, attempt: 2, result: fail500, startedAt: T0 + 60 * MIN, expect: { status: 'retrying', next: T0 + 65 * MIN, pause: false, lastStatus: 500, lastError: 'status 500' } },
  { name: 'an attempt that outlasted the interval is retried at once', policy: retryPolicy({ retries: 5, retryInterval: 10, timeout: 30 }), dueAt: T0, attempt: 1, result: timeout, startedAt: T0, now: T0 + 30_000, expect: { status: 'retrying', next: T0 + 30_000, pause: false, lastStatus: null, lastError: 'timeout after 30 s' } },
  { name: 'cancelled while it ran (webhook deleted): stays cancelled, nothing paused', current: 'cancelled', dueAt: T0, attempt: 41, result: fail500, startedAt: T0, expect: { status: 'cancelled', next: null, pause: false, lastStatus: 500, lastError: 'webhook deleted' } },
  { name: 'cancelled while it ran, then answered 200: still cancelled', current: 'cancelled', dueAt: T0, attempt: 1, result: ok200, startedAt: T0, expect: { status: 'cancelled', next: null, pause: false, lastStatus: 200, lastError: 'webhook deleted' } },
];

describe('decideAfterAttempt', () => {
  for (const r of rows) {
    it(r.name, () => {
      const d: AttemptDecision = decideAfterAttempt(r.policy ?? mailtrap, {
        current: { status: r.current ?? (r.attempt === 1 ? 'pending' : 'retrying'), lastError: r.current === 'cancelled' ? 'webhook deleted' : null },
        dueAt: r.dueAt,
        attemptNumber: r.attempt,
        result: { ...r.result, startedAt: r.startedAt },
        now: r.now ?? r.startedAt,
      });
      assert.deepEqual(
        { status: d.update.status, next: d.update.nextAttemptAt, pause: d.pauseWebhook, lastStatus: d.update.lastStatus, lastError: d.update.lastError },
        r.expect,
      );
      assert.equal(d.update.attemptCount, r.attempt);
    });
  }
});
