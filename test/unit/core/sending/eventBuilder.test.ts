/**
 * `payloadUtf8` writes a payload `buildEvent` made from its fields in `buildEvent`'s order, as
 * UTF-8 bytes, rather than walking it (the send path serializes every scheduled event once). Its
 * text must be exactly `JSON.stringify` of the payload, and its bytes that text's UTF-8: it is the
 * event's stored text, its webhook batch bytes and what their signature signs. Every event type,
 * every optional field, and strings that need escaping.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonString } from '../../../../emulator/core/jsonText';
import { BOUNCE_CATEGORIES, buildEvent, payloadUtf8, type EventContext, type EventExtras } from '../../../../emulator/core/sending/eventBuilder';
import { planRecipient } from '../../../../emulator/core/sending/lifecycle';
import { LIFECYCLES, type Scenario } from '../../../../emulator/core/sending/scenarios';
import { PAYLOAD_EVENT_NAMES } from '../../../../emulator/core/types';

const contexts: EventContext[] = [
  { messageId: '0a1b2c3d-1111-11f0-8000-0242ac120002', email: 'ann@example.net', stream: 'transactional', domainName: 'example.test' },
  { messageId: 'm-2', email: 'Ünïcode.ß+tag@Example.NET', stream: 'bulk', domainName: 'mail.example.test', category: 'Welcome "new" \\ users', customVariables: {} },
  {
    messageId: 'm"3\\',
    email: 'x\u2028y@example.net',
    stream: 'transactional',
    domainName: 'example.test',
    category: 'c\u0001\t',
    customVariables: { user_id: 42, nested: { a: [1, 'two', null, true] }, s: '😀 </script> \ud800', ['__proto__']: { x: 1 }, n: -0, big: 1e21 },
  },
];
const extrasList: EventExtras[] = [{}, { ip: '203.0.113.9', userAgent: 'UA "quoted"', url: 'https://example.com/?a=1&b="2"', reason: 'why \\ not' }];

describe('payloadUtf8', () => {
  it('is JSON.stringify of every payload buildEvent makes: every type, every optional field, escapes', () => {
    let n = 0;
    for (const type of PAYLOAD_EVENT_NAMES) {
      for (const ctx of contexts) {
        for (const extras of extrasList) {
          for (const category of [undefined, ...BOUNCE_CATEGORIES]) {
            const p = buildEvent(type, ctx, 'e-1', 1_764_000_000_999, category === undefined ? extras : { ...extras, category });
            const bytes = payloadUtf8(p);
            const why = `${type} ${JSON.stringify(ctx)} ${JSON.stringify(extras)} ${category}`;
            assert.equal(bytes.text(), JSON.stringify(p), why);
            assert.equal(Buffer.compare(bytes.bytes(), Buffer.from(JSON.stringify(p), 'utf8')), 0, why);
            n++;
          }
        }
      }
    }
    assert.ok(n > 500);
  });

  it('is what every scenario plans, item by item', () => {
    for (const scenario of Object.keys(LIFECYCLES) as Scenario[]) {
      for (const verified of [true, false]) {
        let k = 0;
        const plan = planRecipient({ ctx: contexts[2], scenario, sentAt: 1_764_000_000_000, domainVerified: verified, url: 'https://x.test/"a"', newEventId: () => `e-${k++}` });
        for (const p of plan) assert.equal(p.json === undefined ? JSON.stringify(p.item) : jsonString(p.json), JSON.stringify(p.item), `${scenario} ${verified}`);
        assert.ok(plan.some((p) => p.json !== undefined), `${scenario}: its events come with their JSON`);
      }
    }
  });
});
