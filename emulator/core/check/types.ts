/**
 * The endpoint check (`mailtrap-emulator check`, `POST /emulator/check`, **Check Endpoint…**):
 * Mailtrap-shaped, signed batches sent to a user's webhook handler, and a verdict per rule of
 * Mailtrap's delivery (mailtrap-docs, email-api-smtp/webhooks.md, "Retry schedule and batches").
 */
import type { PayloadFormat } from '../types';

/** The checks, in report order. */
export const CHECK_IDS = ['status-200', 'latency', 'event-types', 'batch-500', 'format', 'redelivery', 'signature'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** `required` failures fail the run (exit code 1); a `warning` is reported and does not. */
export type CheckSeverity = 'required' | 'warning';

export interface CheckResult {
  id: CheckId;
  ok: boolean;
  severity: CheckSeverity;
  /** What was sent and what came back, in one sentence. */
  detail: string;
  /** How to fix it; only on a failed check. */
  fix?: string;
}

/** The report: `ok` when no required check failed (warnings do not count). */
export interface CheckReport {
  ok: boolean;
  checks: CheckResult[];
}

export interface CheckInput {
  /** The endpoint; userinfo becomes `Authorization: Basic`, as for a webhook. */
  url: string;
  /** The webhook's signing secret, which the endpoint verifies `Mailtrap-Signature` with. */
  secret: string;
  /** The webhook's payload format. */
  format: PayloadFormat;
  /** Mailtrap's limit for an answer (30 s). */
  timeoutMs: number;
}

/** The batches the check sends, in order. */
export type ProbeKind = 'basic' | 'basic-json' | 'event-types' | 'batch-500' | 'redelivery' | 'wrong-signature';

export interface Probe {
  kind: ProbeKind;
  format: PayloadFormat;
  eventCount: number;
  body: string;
  /** `Mailtrap-Signature` as sent (a wrong one for `wrong-signature`). */
  signature: string;
}

/** What one probe got back. */
export interface ProbeOutcome {
  kind: ProbeKind;
  format: PayloadFormat;
  eventCount: number;
  bytes: number;
  /** Null when no HTTP answer arrived at all (refused, reset, no answer even late). */
  status: number | null;
  /** Why no whole answer arrived; null when one did. */
  error: string | null;
  /** Real milliseconds until the answer (or until the check gave up). */
  durationMs: number;
  /** The answer came, but after `timeoutMs`: Mailtrap would have given up and retried. */
  late: boolean;
  /** `Location` of a redirect, which Mailtrap does not follow. */
  location: string | null;
}

export const isAccepted = (o: ProbeOutcome | undefined): boolean =>
  !!o && o.status !== null && o.status >= 200 && o.status < 300 && o.error === null;
