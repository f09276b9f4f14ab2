/**
 * Assembling a webhook URL from the form's fields and splitting it back (SPEC §4: basic auth as
 * `https://user:pass@host/path`, a token as a query parameter kept as is). Pure: used by the
 * webview for validation and by the host before sending.
 */
export interface UrlParts {
  url: string;
  username: string;
  password: string;
  token: string;
}

/** The full URL, or an error message for the `url` field. */
export function assembleWebhookUrl(p: UrlParts): { url: string } | { error: string } {
  const raw = p.url.trim();
  if (!raw) return { error: 'is required' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { error: 'is not a valid URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: 'must start with http:// or https://' };
  if (p.username || p.password) {
    if (!p.username) return { error: 'needs a user name when a password is given' };
    u.username = encodeURIComponent(p.username);
    u.password = encodeURIComponent(p.password);
  }
  if (p.token) u.searchParams.set('token', p.token);
  return { url: u.toString() };
}

/** Splits userinfo and the `token` query parameter out of a stored URL, for editing. */
export function splitWebhookUrl(url: string): UrlParts {
  try {
    const u = new URL(url);
    const username = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    const token = u.searchParams.get('token') ?? '';
    u.username = '';
    u.password = '';
    u.searchParams.delete('token');
    return { url: u.toString(), username, password, token };
  } catch {
    return { url, username: '', password: '', token: '' };
  }
}

/** The URL without any basic-auth password (trees, tooltips, inspector): the emulator's one rule. */
export { displayUrl } from '../../emulator/core/urls';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What tells webhooks apart, first: on the emulator itself (`self`, its API URL) just the path
 * (`/sink/demo`), on another local port `:3000/hooks`, elsewhere `host/path`. Never userinfo; a
 * `token` query value is shortened.
 */
export function webhookLabel(url: string, self?: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const token = u.searchParams.get('token');
  if (token) u.searchParams.set('token', token.length > 4 ? `${token.slice(0, 4)}…` : token);
  const rest = `${u.pathname}${u.search}`.replace(/%E2%80%A6/g, '…');
  let own = false;
  try {
    const s = new URL(self ?? '');
    own = LOOPBACK.has(u.hostname) && LOOPBACK.has(s.hostname) && u.port === s.port;
  } catch {
    /* no emulator URL known */
  }
  if (own) return rest;
  if (LOOPBACK.has(u.hostname)) return `:${u.port || (u.protocol === 'https:' ? 443 : 80)}${rest}`;
  return `${u.host}${rest === '/' ? '' : rest}`;
}

/** The basic-auth user name of a webhook URL, decoded (`ann@example.com`, not `ann%40example.com`). */
export function basicAuthUser(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.username ? decodeURIComponent(u.username) : undefined;
  } catch {
    return undefined;
  }
}
