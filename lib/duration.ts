/** Seconds from a number or "90", "90s", "5m", "1h30m", "2d"; throws on anything else. */
export function toSeconds(by: number | string): number {
  if (typeof by === 'number') {
    if (!Number.isFinite(by) || by < 0) throw new RangeError(`not a duration: ${by}`);
    return by;
  }
  const t = by.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let total = 0;
  let consumed = '';
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)\s*(d|h|m|s)/g)) {
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
    consumed += m[0];
  }
  if (!consumed || consumed.replace(/\s/g, '') !== t.replace(/\s/g, '')) throw new RangeError(`not a duration: ${JSON.stringify(by)} (use seconds or e.g. "90s", "5m", "1h30m", "2d")`);
  return total;
}
