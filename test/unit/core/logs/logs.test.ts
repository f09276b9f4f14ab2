/** Pure parts of Email Logs and Stats: status derivation, providers, rates, and the SDKs' query spellings. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveStatus } from '../../../../emulator/core/logs/emailLog';
import { providerOf } from '../../../../emulator/core/logs/providers';
import { groupStats, sendingStats } from '../../../../emulator/core/logs/stats';
import { parseDeepQuery } from '../../../../emulator/http/deepQuery';
import { parseEmailLogFilters } from '../../../../emulator/http/emailLogQuery';
import { eventIdsOf } from '../../../../src/webviews/messageHandlers';

describe('email logs: status as Mailtrap derives it (analytics/statuses-and-events.md)', () => {
  test('no outcome, a soft bounce or a suspension: enqueued', () => {
    assert.equal(deriveStatus([]), 'enqueued');
    assert.equal(deriveStatus(['soft bounce', 'soft bounce']), 'enqueued');
    assert.equal(deriveStatus(['suspension']), 'enqueued');
  });
  test('the latest outcome decides; opens and clicks change nothing; an opt-out is final', () => {
    assert.equal(deriveStatus(['soft bounce', 'delivery', 'open', 'click']), 'delivered');
    assert.equal(deriveStatus(['soft bounce', 'bounce']), 'not_delivered');
    assert.equal(deriveStatus(['suspension', 'reject']), 'not_delivered');
    assert.equal(deriveStatus(['delivery', 'open', 'unsubscribe', 'click']), 'opted_out');
    assert.equal(deriveStatus(['delivery', 'spam', 'delivery']), 'opted_out');
  });
});

describe('email service providers from the recipient domain', () => {
  test('well-known domains map to the spec\'s provider names; others are Other with mx.<domain>', () => {
    assert.deepEqual(providerOf('a@GMAIL.com'), { name: 'Google', mx: 'gmail-smtp-in.l.google.com' });
    assert.equal(providerOf('a@hotmail.co.uk').name, 'Outlook');
    assert.equal(providerOf('a@me.com').name, 'iCloud');
    assert.equal(providerOf('a+x@yahoo.co.jp').name, 'Yahoo');
    assert.deepEqual(providerOf('ann@example.com'), { name: 'Other', mx: 'mx.example.com' });
  });
});

describe('stats rates (email-sending.openapi.yml SendingStats example)', () => {
  const bucket = (o: Partial<Record<'delivered' | 'bounced' | 'opened' | 'clicked' | 'spam', number>>, key: Partial<{ day: string; category: string | null }> = {}) => ({
    day: '2026-01-01',
    domainName: 'a.test',
    category: 'c',
    stream: 'transactional' as const,
    recipientDomain: 'gmail.com',
    delivered: 0,
    bounced: 0,
    opened: 0,
    clicked: 0,
    spam: 0,
    ...o,
    ...key,
  });
  test('the spec\'s example: 190 delivered, 10 bounced, 171 opened, 133 clicked, 3 spam', () => {
    assert.deepEqual(sendingStats([bucket({ delivered: 190, bounced: 10, opened: 171, clicked: 133, spam: 3 })]), {
      delivery_count: 190,
      delivery_rate: 0.95,
      bounce_count: 10,
      bounce_rate: 0.05,
      open_count: 171,
      open_rate: 0.9,
      click_count: 133,
      click_rate: 0.7,
      spam_count: 3,
      spam_rate: 0.02,
    });
  });
  test('nothing sent: zero rates, not NaN; grouping sums buckets and leaves uncategorised mail out of categories', () => {
    assert.equal(sendingStats([]).delivery_rate, 0);
    const groups = groupStats([bucket({ delivered: 1 }, { day: '2026-01-02' }), bucket({ delivered: 2 }, { day: '2026-01-01', category: null })], 'date');
    assert.deepEqual(groups.map((g) => [g.key, g.stats.delivery_count]), [['2026-01-01', 2], ['2026-01-02', 1]]);
    assert.deepEqual(groupStats([bucket({ delivered: 2 }, { category: null })], 'category'), []);
  });
});

describe('deep-object query strings as the SDKs send them', () => {
  test('JS SDK (qs brackets), Ruby SDK (indexed), axios arrays', () => {
    const js = parseDeepQuery('filters%5Bcategory%5D%5Boperator%5D=equal&filters%5Bcategory%5D%5Bvalue%5D%5B%5D=a&filters%5Bcategory%5D%5Bvalue%5D%5B%5D=b&search_after=x');
    assert.deepEqual(JSON.parse(JSON.stringify(js)), { filters: { category: { operator: 'equal', value: ['a', 'b'] } }, search_after: 'x' });
    const ruby = parseDeepQuery('filters%5Bcategory%5D%5Bvalue%5D%5B0%5D=Test%20Category&filters%5Bcategory%5D%5Bvalue%5D%5B1%5D=Another&filters%5Bsubject%5D%5Boperator%5D=not_empty');
    assert.deepEqual(JSON.parse(JSON.stringify(ruby)), { filters: { category: { value: ['Test Category', 'Another'] }, subject: { operator: 'not_empty' } } });
    assert.deepEqual(JSON.parse(JSON.stringify(parseDeepQuery('sending_domain_ids[]=1&sending_domain_ids[]=2'))), { sending_domain_ids: ['1', '2'] });
  });
  test('prototype keys are dropped; junk shapes never throw', () => {
    const q = parseDeepQuery('filters[__proto__][x]=1&filters[to][constructor]=y&a[b][c][d][e][f]=deep&filters=flat&filters[to]=x');
    assert.equal(({} as any).x, undefined);
    assert.equal(q.a, undefined, 'too deep');
    assert.deepEqual(parseEmailLogFilters(q.filters), {});
  });
  test('filters: operators and values validated; unknown or invalid ones ignored', () => {
    const f = parseEmailLogFilters(
      parseDeepQuery(
        'filters[to][operator]=ci_contain&filters[to][value]=Ann&filters[status][operator]=equal&filters[status][value][]=bogus&filters[status][value][]=delivered' +
          '&filters[events][operator]=include_event&filters[events][value]=soft_bounce&filters[opens_count][operator]=greater_than&filters[opens_count][value]=abc' +
          '&filters[sent_after]=not-a-date&filters[domain_id][operator]=equal&filters[domain_id][value][]=3&filters[colour][operator]=equal',
      ).filters,
    );
    assert.deepEqual(f, {
      to: { op: 'ci_contain', values: ['Ann'] },
      status: { negate: false, values: ['delivered'] },
      events: { negate: false, values: ['soft bounce'] },
      domainIds: { negate: false, values: [3] },
    });
  });
});

describe('timeline: which batch carried which event', () => {
  test('JSON and JSON Lines bodies; a body that does not parse carries nothing', () => {
    assert.deepEqual(eventIdsOf({ payloadFormat: 'json', body: '{"events":[{"event_id":"a"},{"event_id":"b"}]}' }), ['a', 'b']);
    assert.deepEqual(eventIdsOf({ payloadFormat: 'jsonlines', body: '{"event_id":"a"}\n{"event_id":"c"}\n' }), ['a', 'c']);
    assert.deepEqual(eventIdsOf({ payloadFormat: 'json', body: 'not json' }), []);
  });
});
