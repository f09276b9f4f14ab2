/**
 * Sending stats (Mailtrap's Stats API): counts of messages with at least one delivery, bounce,
 * open, click and spam complaint, and their rates.
 *
 * Rates, from `mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml` (`SendingStats`
 * example: 190 delivered, 10 bounced → 0.95 / 0.05; 171 opens → 0.9; 133 clicks → 0.7) and
 * `mailtrap/mailtrap-docs` `analytics/dashboard.md` ("click rate is clicked/delivered"):
 * delivery and bounce rates are over delivered + bounced; open, click and spam rates are over
 * delivered. Rates are rounded to two decimals, as in every example of the spec. A rate with
 * nothing to divide by is 0. A message counts once per kind however many events it has (opens
 * are unique opens).
 */
import { providerOf } from './providers';
import type { StatsBucket } from './emailLog';

export interface SendingStats {
  delivery_count: number;
  delivery_rate: number;
  bounce_count: number;
  bounce_rate: number;
  open_count: number;
  open_rate: number;
  click_count: number;
  click_rate: number;
  spam_count: number;
  spam_rate: number;
}

export type StatsGroup = 'domain' | 'category' | 'email_service_provider' | 'date';

const rate = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 100) / 100);

export function sendingStats(buckets: readonly StatsBucket[]): SendingStats {
  let delivered = 0;
  let bounced = 0;
  let opened = 0;
  let clicked = 0;
  let spam = 0;
  for (const b of buckets) {
    delivered += b.delivered;
    bounced += b.bounced;
    opened += b.opened;
    clicked += b.clicked;
    spam += b.spam;
  }
  return {
    delivery_count: delivered,
    delivery_rate: rate(delivered, delivered + bounced),
    bounce_count: bounced,
    bounce_rate: rate(bounced, delivered + bounced),
    open_count: opened,
    open_rate: rate(opened, delivered),
    click_count: clicked,
    click_rate: rate(clicked, delivered),
    spam_count: spam,
    spam_rate: rate(spam, delivered),
  };
}

/** The provider of a bucket's recipient domain (the stats filter and group key). */
export const bucketProvider = (b: StatsBucket): string => providerOf(`x@${b.recipientDomain}`).name;

const KEY: Record<StatsGroup, (b: StatsBucket) => string | null> = {
  domain: (b) => b.domainName,
  category: (b) => b.category,
  email_service_provider: bucketProvider,
  date: (b) => b.day,
};

/**
 * Buckets grouped by one key, in a stable order (dates ascending, others by name). Messages
 * without a category are left out of the by-category breakdown (a category row needs a name).
 */
export function groupStats(buckets: readonly StatsBucket[], by: StatsGroup): { key: string; stats: SendingStats }[] {
  const groups = new Map<string, StatsBucket[]>();
  for (const b of buckets) {
    const key = KEY[by](b);
    if (key === null) continue;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(b);
  }
  return [...groups.keys()].sort().map((key) => ({ key, stats: sendingStats(groups.get(key)!) }));
}
