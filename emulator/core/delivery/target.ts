/** A webhook URL as a request target: userinfo becomes `Authorization: Basic`, never part of the URL sent or shown. */

export interface Target {
  /** The URL without userinfo; query (e.g. a token) kept as is. */
  url: string;
  /** Its origin and its path with the query: what the sender dispatches to. */
  origin: string;
  path: string;
  /** `Basic base64(user:pass)` when the URL carried userinfo. */
  authorization: string | null;
}

/** Targets of the URLs seen last (each attempt parses its webhook's URL, twice: issue 13). */
const targets = new Map<string, Readonly<Target>>();
const MAX_TARGETS = 64;

export function requestTarget(raw: string): Readonly<Target> {
  let t = targets.get(raw);
  if (t) return t;
  t = Object.freeze(parseTarget(raw)); // throws for an invalid URL, which is not kept
  if (targets.size >= MAX_TARGETS) targets.delete(targets.keys().next().value!);
  targets.set(raw, t);
  return t;
}

function parseTarget(raw: string): Target {
  const u = new URL(raw);
  const at = { origin: u.origin, path: `${u.pathname}${u.search}` };
  if (!u.username && !u.password) return { url: u.toString(), ...at, authorization: null };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), ...at, authorization: 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64') };
}

export { displayUrl } from '../urls';
