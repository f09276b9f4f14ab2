/** `Mailtrap-Signature`: lowercase hex HMAC-SHA256 of the exact body bytes, keyed by the signing secret. */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Mailtrap-Signature';

/** A string body is hashed as its UTF-8 bytes, as it is sent. */
export function sign(body: string | Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
