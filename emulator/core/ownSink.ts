/**
 * Webhooks that point at the emulator's own sink (`http://127.0.0.1:8780/sink/demo`) follow it
 * when its HTTP port changes. The stored URL is the one called and shown, so rather than resolve
 * it specially at send time, the emulator rewrites such URLs on start: it remembers every origin
 * it has listened on (store meta `own_origins`), and a webhook whose origin is one of them and
 * whose path is `/sink/…` gets the current origin. Pure: the composition root applies it.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Enough history for any number of restarts in practice; the oldest are forgotten first. */
export const MAX_OWN_ORIGINS = 50;

/** `http://127.0.0.1:8780` and `http://localhost:8780` are the same listener. */
function originKey(u: URL): string {
  return `${u.protocol}//${LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname}:${u.port}`;
}

/** The URL moved to `current`, or null when it is not one of our own sink URLs (or already current). */
export function followOwnSink(url: string, pastOrigins: readonly string[], current: string): string | null {
  let u: URL;
  let cur: URL;
  try {
    u = new URL(url);
    cur = new URL(current);
  } catch {
    return null;
  }
  if (!u.pathname.startsWith('/sink/')) return null;
  const key = originKey(u);
  if (key === originKey(cur)) return null;
  if (!pastOrigins.some((o) => URL.canParse(o) && originKey(new URL(o)) === key)) return null;
  u.protocol = cur.protocol;
  u.hostname = cur.hostname;
  u.port = cur.port;
  return u.toString();
}

/** True when `url` is the built-in sink (`/sink/…`) of the emulator listening at `origin`. */
export function isOwnSinkUrl(url: string, origin: string): boolean {
  try {
    const u = new URL(url);
    return u.pathname.startsWith('/sink/') && originKey(u) === originKey(new URL(origin));
  } catch {
    return false;
  }
}

/** The remembered origins with `current` added last (deduplicated, capped). */
export function rememberOrigin(pastOrigins: readonly string[], current: string): string[] {
  return [...pastOrigins.filter((o) => o !== current), current].slice(-MAX_OWN_ORIGINS);
}
