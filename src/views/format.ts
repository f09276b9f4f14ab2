/** Pure formatting for views (no vscode): URL display, relative virtual times, webhook health. */
import type { DeliverySummaryDto } from '../../emulator/http/dto';
import { displayUrl } from '../../emulator/core/urls';
import type { WebhookWire } from '../protocol/wire';

export { basicAuthUser, displayUrl, webhookLabel } from '../protocol/webhookUrl';

/** A duration for people: 90 → "1m30s", 5400 → "1h30m", 86400 → "1d". */
export function formatDuration(seconds: number): string {
  let s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const parts: string[] = [];
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= n) {
      parts.push(`${Math.floor(s / n)}${unit}`);
      s %= n;
    }
  }
  return parts.join('');
}

export function relativeTime(at: number, now: number): string {
  const s = Math.round((now - at) / 1000);
  if (s < 0) return `in ${relativeTime(now, at).replace(/ ago$/, '')}`;
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export type WebhookHealth = 'active' | 'paused' | 'failing';

/** Failing: active, and its latest batch has not succeeded (retrying or failed). `last`: a summary (a whole delivery is one too). */
export function webhookHealth(w: WebhookWire, last: DeliverySummaryDto | undefined): WebhookHealth {
  if (!w.active) return 'paused';
  if (last && (last.status === 'retrying' || last.status === 'failed')) return 'failing';
  return 'active';
}

export function lastDeliveryText(last: DeliverySummaryDto | undefined, now: number): string | undefined {
  if (!last) return undefined;
  const result = last.lastStatus !== null ? String(last.lastStatus) : last.lastError ?? last.status;
  return `${result} ${relativeTime(last.attempts.at(-1)?.startedAt ?? last.createdAt, now)}`;
}

/** Seconds from "90", "90s", "5m", "1h30m", "2d"; undefined when unparseable or not positive. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const re = /(\d+(?:\.\d+)?)\s*(d|h|m|s)/g;
  let total = 0;
  let consumed = '';
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
    consumed += m[0];
  }
  return total > 0 && consumed.replace(/\s/g, '') === t.replace(/\s/g, '') ? total : undefined;
}
