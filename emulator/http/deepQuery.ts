/**
 * Query strings with bracket keys, as the official SDKs send them: `filters[to][operator]=ci_equal`,
 * `filters[category][value][]=a` (JS SDK, qs "brackets"), `filters[category][value][0]=a` (Ruby),
 * `sending_domain_ids[]=1` (axios). The app keeps express's flat parser for every other route,
 * so this reads the raw query itself. Keys that could reach prototypes are dropped.
 */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 5;

function keyPath(key: string): string[] | null {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return null;
  const rest = [...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]);
  const path = [m[1], ...rest];
  return path.length > MAX_DEPTH || path.some((p) => UNSAFE.has(p)) ? null : path;
}

/** `[]` and numeric segments make arrays (in order of appearance); other segments make objects. */
export function parseDeepQuery(rawQuery: string): Record<string, QueryValue> {
  const root: Record<string, QueryValue> = Object.create(null);
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const path = keyPath(key);
    if (!path) continue;
    let node: Record<string, QueryValue> | QueryValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      const nextIsArray = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1]));
      if (Array.isArray(node)) {
        // Inside an array only a leaf (`[]` / `[n]`) is meaningful; deeper shapes are ignored.
        if (last) node.push(value);
        break;
      }
      if (last) {
        const prev = node[seg];
        node[seg] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : typeof prev === 'string' ? [prev, value] : prev;
        break;
      }
      let child: QueryValue | undefined = node[seg];
      if (child === undefined || typeof child === 'string') {
        child = nextIsArray ? [] : Object.create(null);
        node[seg] = child!;
      }
      node = child as Record<string, QueryValue> | QueryValue[];
    }
  }
  return root;
}

export const rawQueryOf = (url: string): string => {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
};
