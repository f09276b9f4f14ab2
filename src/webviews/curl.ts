/**
 * "Copy as curl" for a recorded attempt: the same URL, headers and body, single-quoted for a POSIX
 * shell. A basic-auth webhook's Authorization header is recorded redacted; `auth` puts the real one
 * back (the user chose to copy the password) or leaves a placeholder that says what to fill in.
 */
import type { AttemptDto, DeliveryDto } from '../../emulator/http/dto';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Headers curl computes itself. */
const SKIP = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

export type CurlAuth = { user: string; password: string; reveal: boolean } | undefined;

export function curlFor(d: DeliveryDto, attempt?: AttemptDto, auth?: CurlAuth): string {
  const url = attempt?.request.url ?? d.webhookUrl;
  const headers = attempt?.request.headers ?? {
    'content-type': d.payloadFormat === 'jsonlines' ? 'application/jsonl' : 'application/json',
  };
  const body = attempt?.request.body ?? d.body;
  const parts = [`curl -X POST ${q(url)}`];
  for (const [k, v] of Object.entries(headers)) {
    if (SKIP.has(k.toLowerCase())) continue;
    if (k.toLowerCase() === 'authorization' && auth) continue; // replaced below
    parts.push(`-H ${q(`${k}: ${v}`)}`);
  }
  if (auth) {
    parts.push(
      auth.reveal
        ? `-H ${q(`Authorization: Basic ${base64Utf8(`${auth.user}:${auth.password}`)}`)}`
        : `-u ${q(`${auth.user}:PASSWORD`)}`,
    );
  }
  parts.push(`--data-binary ${q(body)}`);
  return parts.join(' \\\n  ');
}

/** Base64 of the UTF-8 bytes (the browser's web UI shares this module: no Buffer). */
function base64Utf8(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The basic-auth credentials of a webhook URL, decoded; undefined without userinfo. */
export function basicAuthOf(url: string): { user: string; password: string } | undefined {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return undefined;
    return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  } catch {
    return undefined;
  }
}
