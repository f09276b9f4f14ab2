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
