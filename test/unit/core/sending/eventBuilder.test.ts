/**
 * `payloadUtf8` writes a payload `buildEvent` made from its fields in `buildEvent`'s order, as
 * UTF-8 bytes, rather than walking it (the send path serializes every scheduled event once). Its
 * text must be exactly `JSON.stringify` of the payload, and its bytes that text's UTF-8: it is the
 * event's stored text, its webhook batch bytes and what their signature signs. Every event type,
 * every optional field, and strings that need escaping.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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

  it('writes custom variables as JSON.stringify does, flat ones value by value and any others whole', () => {
    // Flat ones (strings, numbers, booleans, null) take their own writer; a nested value, a
    // toJSON or an odd key order must come out as JSON.stringify's all the same.
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }), fc.constantFrom('\ud800', 'a\udc00', '"\\', '</script>', '\u2028', '0', '10', '-1', '__proto__', 'toJSON'));
    const flatValue = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 5e-324, NaN, Infinity), fc.boolean(), fc.constant(null));
    const anyValue = fc.oneof({ weight: 6, arbitrary: flatValue }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: fc.constant(undefined) });
    const vars = fc.oneof(
      fc.dictionary(text, flatValue, { maxKeys: 6 }),
      fc.dictionary(text, anyValue, { maxKeys: 6 }),
      fc.dictionary(text, flatValue, { maxKeys: 3 }).map((o) => Object.assign(o, { toJSON: () => ({ replaced: true }) })),
      // Not plain objects: the same keys and values, yet JSON.stringify writes them otherwise.
      fc.array(flatValue, { maxLength: 4 }) as fc.Arbitrary<unknown> as fc.Arbitrary<Record<string, unknown>>,
      fc.dictionary(text, flatValue, { maxKeys: 3 }).map((o) => Object.assign(Object.create({ inherited: 1 }) as object, o) as Record<string, unknown>),
      fc.constantFrom(new Date(0), new String('ab'), new Map([['a', 1]])) as fc.Arbitrary<unknown> as fc.Arbitrary<Record<string, unknown>>,
    );
    let flat = 0;
    let other = 0;
    fc.assert(
      fc.property(vars, (customVariables) => {
        const p = buildEvent('click', { ...contexts[0], customVariables }, 'e-1', 1_764_000_000_999, extrasList[1]);
        const expected = JSON.stringify(p);
        const bytes = payloadUtf8(p);
        assert.equal(bytes.text(), expected);
        assert.equal(Buffer.compare(bytes.bytes(), Buffer.from(expected, 'utf8')), 0);
        if (Object.values(customVariables).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)) && !('toJSON' in customVariables)) flat++;
        else other++;
      }),
      { numRuns: 3000, seed: 31 },
    );
    assert.ok(flat > 1000 && other > 500, `${flat} flat, ${other} other`);
  });

  it('has room for long custom variables wherever it starts in the shared slab', () => {
    // Each text is written into 1 MB slabs one after another, in the room it asked for first: too
    // little, and one that starts near a slab's end would be cut off there. Control characters
    // take their 6 bytes each (\u0001), numbers their longest form: the room, to the byte.
    for (let i = 0; i < 400; i++) {
      const size = 1000 + ((i * 7919) % 20_000);
      const customVariables: Record<string, unknown> =
        i % 2
          ? { ['\u0001'.repeat(size)]: '\u0002'.repeat(size), t: true, f: false, z: null }
          : Object.fromEntries(Array.from({ length: size / 10 }, (_, k) => [`${k}`, -1.2345678901234567e-300]));
      const p = buildEvent('delivery', { ...contexts[0], customVariables }, `e-${i}`, 1_764_000_000_999);
      assert.equal(payloadUtf8(p).text(), JSON.stringify(p), `payload ${i}`);
    }
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
