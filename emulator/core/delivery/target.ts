/** A webhook URL as a request target: userinfo becomes `Authorization: Basic`, never part of the URL sent or shown. */

export interface Target {
  /** The URL without userinfo; query (e.g. a token) kept as is. */
  url: string;
  /** `Basic base64(user:pass)` when the URL carried userinfo. */
  authorization: string | null;
}

export function requestTarget(raw: string): Target {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: u.toString(), authorization: null };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64') };
}

export { displayUrl } from '../urls';
