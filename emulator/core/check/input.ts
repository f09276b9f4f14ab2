/** The check's input from a request body (`POST /emulator/check`): a URL and secret, or a webhook of the emulator. */
import { FieldErrors } from '../errors';
import type { Webhook } from '../types';
import type { CheckInput } from './types';

export const DEFAULT_CHECK_TIMEOUT_S = 30;
const MAX_CHECK_TIMEOUT_S = 300;

/** Null for an http(s) URL, else why not. */
export function urlProblem(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'must be http or https';
  } catch {
    return 'is invalid';
  }
}

/**
 * `{"url","secret","format"?,"timeout"?}`, or `{"webhook_id"}` to check a webhook with its own URL,
 * signing secret and payload format (fields given beside it win). Field errors → ValidationError (422).
 */
export function checkInputFrom(body: unknown, webhook: (id: number) => Webhook): CheckInput {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const errors = new FieldErrors();
  let base: Partial<CheckInput> = {};
  if (b.webhook_id !== undefined) {
    if (!Number.isInteger(b.webhook_id)) errors.add('webhook_id', 'is invalid');
    else {
      const w = webhook(b.webhook_id as number); // NotFoundError → 404
      base = { url: w.url, secret: w.signingSecret, format: w.payloadFormat };
    }
  }
  const url = b.url ?? base.url;
  if (typeof url !== 'string' || url === '') errors.add('url', "can't be blank");
  else {
    const p = urlProblem(url);
    if (p) errors.add('url', p);
  }
  const secret = b.secret ?? base.secret;
  if (typeof secret !== 'string' || secret === '') errors.add('secret', "can't be blank");
  const format = b.format ?? base.format ?? 'json';
  if (format !== 'json' && format !== 'jsonlines') errors.add('format', 'must be json or jsonlines');
  const timeout = b.timeout ?? DEFAULT_CHECK_TIMEOUT_S;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_CHECK_TIMEOUT_S) {
    errors.add('timeout', `must be a number of seconds from 0 to ${MAX_CHECK_TIMEOUT_S}`);
  }
  errors.throwIfAny();
  return { url: url as string, secret: secret as string, format: format as CheckInput['format'], timeoutMs: (timeout as number) * 1000 };
}
