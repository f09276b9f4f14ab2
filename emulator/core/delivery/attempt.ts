/**
 * One attempt: sign, POST through the sender port, end it with a virtual-clock timeout, and
 * describe what happened. Success is exactly HTTP 200 within the timeout (SPEC §5).
 */
import type { Clock } from '../clock';
import type { Webhook } from '../types';
import { bodyBytes, contentType } from './body';
import { SIGNATURE_HEADER, sign } from './signature';
import { displayUrl, requestTarget } from './target';
import type { Attempt, WebhookSender } from './types';
import type { PayloadFormat } from '../types';

export const USER_AGENT = 'Mailtrap-Webhooks-Emulator/0.1 (+https://github.com/mailtrap; local emulator)';

export interface AttemptInput {
  sender: WebhookSender;
  clock: Clock;
  timeoutMs: number;
  webhook: Webhook;
  /** As text, or its UTF-8 bytes (`Delivery.body`). */
  body: string | Uint8Array;
  format: PayloadFormat;
  /** Aborts the request without an outcome (shutdown); the attempt is then not recorded. */
  shutdown: AbortSignal;
  /** The body's signature made ahead, under `secret`: used when that is still the webhook's. */
  signed?: { secret: string; signature: string };
}

export type AttemptOutcome = Omit<Attempt, 'id' | 'deliveryId' | 'number'> & { interrupted: boolean };

export async function performAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { clock, webhook, body } = input;
  const startedAt = clock.now();
  // The body's bytes once, for the signature and the request (a batch is ~150 KB).
  const bytes = bodyBytes(body);
  const headers: Record<string, string> = {
    'Content-Type': contentType(input.format),
    'User-Agent': USER_AGENT,
    [SIGNATURE_HEADER]: input.signed?.secret === webhook.signingSecret ? input.signed.signature : sign(bytes, webhook.signingSecret),
  };
  // What the log shows: the URL without password, the Authorization header redacted.
  let shownUrl: string;
  const shownHeaders = { ...headers };
  try {
    const target = requestTarget(webhook.url);
    shownUrl = target.url;
    if (target.authorization) shownHeaders.Authorization = 'Basic [redacted]';
  } catch {
    shownUrl = displayUrl(webhook.url); // an unparsable URL fails in the sender and is reported there
  }
  // Ended by the timeout or by shutdown. (Not `AbortSignal.any`: in Node 20 it costs ~0.1 ms an
  // attempt, in weak references the collector then has to clear: issue 13.)
  const ac = new AbortController();
  let timedOut = false;
  const timer = clock.after(input.timeoutMs, () => {
    timedOut = true;
    ac.abort();
  });
  const onShutdown = () => ac.abort();
  if (input.shutdown.aborted) ac.abort();
  else input.shutdown.addEventListener('abort', onShutdown, { once: true });
  let result;
  try {
    result = await input.sender.send({ url: webhook.url, headers, body: bytes, signal: ac.signal });
  } finally {
    timer.cancel();
    input.shutdown.removeEventListener('abort', onShutdown);
  }
  const interrupted = input.shutdown.aborted && !timedOut;
  const status = timedOut ? null : result.status;
  // Exactly 200, and a whole response: a 200 whose body was cut by a reset is a failed attempt.
  const ok = status === 200 && !result.error;
  let error: string | null = null;
  if (timedOut) error = `timeout after ${input.timeoutMs / 1000} s`;
  else if (result.error) error = result.error;
  else if (!ok) error = `status ${status}`;
  return {
    startedAt,
    durationMs: Math.max(0, Math.round(result.durationMs)),
    request: { method: 'POST', url: shownUrl, headers: shownHeaders },
    response:
      status === null ? null : { status, headers: result.headers, body: result.body, truncated: result.truncated },
    error,
    ok,
    interrupted,
  };
}
