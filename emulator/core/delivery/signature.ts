/** `Mailtrap-Signature`: lowercase hex HMAC-SHA256 of the exact body bytes, keyed by the signing secret. */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Mailtrap-Signature';

export function sign(body: string | Uint8Array, secret: string): string {
  return typeof body === 'string' ? createHmac('sha256', secret).update(body, 'utf8').digest('hex') : createHmac('sha256', secret).update(body).digest('hex');
}
