/** The pure parts of delivery: signature, routing, bodies, schedule, request target, replay parsing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyWebhookSignature } from 'mailtrap';
import { bodyBytesFromJson, bodyFromJson, buildBody, contentType, parseBody } from '../../../emulator/core/delivery/body';
import { utf8Json } from '../../../emulator/core/jsonText';
import { nextAttemptAt, retryPolicy, scheduleBase } from '../../../emulator/core/delivery/retryPolicy';
import { routes } from '../../../emulator/core/delivery/routing';
import { sign } from '../../../emulator/core/delivery/signature';
import { displayUrl, requestTarget } from '../../../emulator/core/delivery/target';
import type { EventPayload } from '../../../emulator/core/events';
import { parseReplay, problems, REPLAY_PART, replayEvents } from '../../../emulator/core/replay';
import { payloadUtf8 } from '../../../emulator/core/sending/eventBuilder';
import { parseEventType, toPayloadEventName, type Webhook } from '../../../emulator/core/types';

const ev = (over: Partial<EventPayload> = {}): EventPayload => ({
  event: 'delivery',
  message_id: 'm',
  event_id: 'e',
  timestamp: 1,
  email: 'a@b.test',
  sending_stream: 'transactional',
  sending_domain_name: 'example.com',
  ...over,
});
const hook = (over: Partial<Webhook> = {}): Webhook => ({
  id: 1,
  url: 'http://127.0.0.1/h',
  active: true,
  webhookType: 'email_sending',
  payloadFormat: 'json',
  sendingStream: 'transactional',
  domainId: null,
  inboundInboxId: null,
  eventTypes: ['delivery'],
  signingSecret: 'a'.repeat(32),
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('signature', () => {
  it('is accepted by the official SDK, for JSON and JSON Lines bodies with non-ASCII text', () => {
    const secret = '0123456789abcdef0123456789abcdef';
    for (const format of ['json', 'jsonlines'] as const) {
      const body = buildBody([ev({ category: 'Grüße ✉' }), ev({ event: 'soft bounce' })], format);
      const sig = sign(body, secret);
      assert.match(sig, /^[0-9a-f]{64}$/);
      assert.equal(verifyWebhookSignature(body, sig, secret), true);
      assert.equal(verifyWebhookSignature(body + ' ', sig, secret), false);
    }
  });
});

describe('routing', () => {
  const domains = new Map([[7, { id: 7, domainName: 'example.com' }]]);
  const domainOf = (id: number) => domains.get(id) as never;
  it('maps payload spellings to the API ones', () => {
    assert.equal(routes(hook({ eventTypes: ['soft_bounce'] }), ev({ event: 'soft bounce' }), domainOf), true);
    assert.equal(routes(hook({ eventTypes: ['spam_complaint'] }), ev({ event: 'spam' }), domainOf), true);
    assert.equal(routes(hook({ eventTypes: ['bounce'] }), ev({ event: 'soft bounce' }), domainOf), false);
  });
  it('needs active, email_sending, the same stream, and the domain when scoped', () => {
    assert.equal(routes(hook({ active: false }), ev(), domainOf), false);
    assert.equal(routes(hook({ webhookType: 'audit_log' }), ev(), domainOf), false);
    assert.equal(routes(hook({ sendingStream: 'bulk' }), ev(), domainOf), false);
    assert.equal(routes(hook({ domainId: 7 }), ev({ sending_domain_name: 'Example.COM' }), domainOf), true);
    assert.equal(routes(hook({ domainId: 7 }), ev({ sending_domain_name: 'other.test' }), domainOf), false);
    assert.equal(routes(hook({ domainId: 8 }), ev(), domainOf), false);
  });
});

describe('bodies', () => {
  it('json is {"events":[…]}; jsonlines is one event a line; both parse back', () => {
    const events = [ev({ event_id: '1' }), ev({ event_id: '2' })];
    assert.equal(buildBody(events, 'json'), JSON.stringify({ events }));
    assert.equal(buildBody(events, 'jsonlines'), `${JSON.stringify(events[0])}\n${JSON.stringify(events[1])}\n`);
    assert.deepEqual(parseBody(buildBody(events, 'jsonlines'), 'jsonlines'), events);
    assert.equal(contentType('jsonlines'), 'application/jsonl');
    assert.equal(contentType('json'), 'application/json');
  });

  it('a body built from the stored JSON text is byte for byte the one built from the events', () => {
    const events = [ev({ event_id: '1', category: 'Grüße ✉ "q" \u2028' }), ev({ event_id: '2', event: 'soft bounce', custom_variables: { a: [1, null], b: -0 } })];
    for (const format of ['json', 'jsonlines'] as const) {
      assert.equal(bodyFromJson(events.map((e) => JSON.stringify(e)), format), buildBody(events, format));
    }
  });

  it('is the same text and bytes from JSON kept as UTF-8 bytes, alone or mixed with strings (a queue reloaded at start)', () => {
    const events = [
      ev({ event_id: '1', category: 'Grüße ✉ "q" \u2028 😀' }),
      ev({ event_id: '2', event: 'soft bounce', custom_variables: { a: [1, null], b: -0 } }),
      ev({ event_id: '3', email: 'ünï@example.com' }),
    ];
    const asBytes = events.map((e) => utf8Json(JSON.stringify(e)));
    const mixed = [asBytes[0], JSON.stringify(events[1]), asBytes[2]];
    for (const format of ['json', 'jsonlines'] as const) {
      const want = buildBody(events, format);
      for (const jsons of [asBytes, mixed]) {
        assert.equal(bodyFromJson(jsons, format), want);
        assert.deepEqual(bodyBytesFromJson(jsons, format), Buffer.from(want, 'utf8'));
      }
      assert.deepEqual(bodyBytesFromJson([], format), Buffer.from(buildBody([], format)));
    }
  });
});

describe('retry policy', () => {
  it('41 attempts, 300 s apart, from the config', () => {
    const p = retryPolicy({ retries: 40, retryInterval: 300, timeout: 30 });
    assert.deepEqual({ ...p }, { maxAttempts: 41, intervalMs: 300_000, timeoutMs: 30_000 });
    assert.equal(nextAttemptAt(p, 1, 1000, 1000), 301_000);
    assert.equal(nextAttemptAt(p, 40, 0, 0), 300_000);
    assert.equal(nextAttemptAt(p, 41, 0, 0), null);
    assert.equal(nextAttemptAt(p, 1, 0, 999_999), 999_999, 'never in the past');
    assert.equal(scheduleBase(1000, 1007, p), 1000, 'on schedule: counted from the due time');
    assert.equal(scheduleBase(1000, 1000 + 3_600_000, p), 1000 + 3_600_000, 'late (after a pause): from the start');
    assert.equal(scheduleBase(null, 5, p), 5);
  });
});

describe('request target', () => {
  it('moves userinfo into Authorization and keeps the query', () => {
    const t = requestTarget('https://us%40er:p%3Ass@hooks.test:8443/in?token=a%20b');
    assert.equal(t.url, 'https://hooks.test:8443/in?token=a%20b');
    assert.equal(t.authorization, 'Basic ' + Buffer.from('us@er:p:ss').toString('base64'));
    // What the sender dispatches to: no userinfo in either.
    assert.equal(t.origin, 'https://hooks.test:8443');
    assert.equal(t.path, '/in?token=a%20b');
    assert.deepEqual(requestTarget('http://h.test/x'), { url: 'http://h.test/x', origin: 'http://h.test', path: '/x', authorization: null });
    assert.equal(displayUrl('https://u:secret@h.test/x'), 'https://u:***@h.test/x');
  });
});

describe('replay parsing', () => {
  const opts = { keepIds: false, now: 1_800_000_000_123, uuid: () => 'fresh' };
  it('accepts either event spelling and drops unknown fields', () => {
    const [e] = parseReplay({ events: [{ ...ev({ event_id: 'old' }), event: 'soft_bounce', extra: 1 }] }, opts);
    assert.equal(e.event, 'soft bounce');
    assert.equal(e.event_id, 'fresh');
    assert.equal(e.timestamp, 1_800_000_000);
    assert.equal('extra' in e, false);
  });
  it('names every bad event', () => {
    assert.throws(
      () => parseReplay(`${JSON.stringify(ev())}\n\n{"event":"open"}\n`, opts),
      (err: Error & { messages?: string[] }) => err.messages!.some((m) => m.startsWith("line 3: 'message_id' is required")),
    );
    assert.throws(() => parseReplay({ events: [] }, opts), /no events/);
    assert.throws(() => parseReplay({ events: [ev({ event_id: '' })] }, { ...opts, keepIds: true }), /event_id/);
  });
  // JSON Lines are parsed, checked and made into payloads line by line (no line or parsed object
  // kept for the whole request); what a 400 says is what it said when every line was parsed first.
  it('numbers JSON Lines as the text has them, and refuses a request by the same rules line by line', () => {
    const good = JSON.stringify(ev());
    const messages = (f: () => unknown): string[] => {
      try {
        f();
      } catch (err) {
        return (err as { messages: string[] }).messages;
      }
      assert.fail('expected a 400');
    };
    // Blank and whitespace-only lines count; CRLF endings and indentation parse.
    const ids = ['a', 'b', 'c'];
    const text = `\n  ${good}\r\n\r\n \t\n${good}\n${good}\n`;
    const out = parseReplay(text, { ...opts, uuid: () => ids.shift()! });
    assert.deepEqual(out.map((p) => p.event_id), ['a', 'b', 'c']);
    assert.deepEqual(messages(() => parseReplay(`\n\n{"event":"open"}\r\n`, opts)).slice(0, 1), ["line 3: 'message_id' is required"]);
    // Invalid JSON anywhere is the answer, even after a line with a problem.
    assert.deepEqual(messages(() => parseReplay(`{"event":"open"}\n${good}\n{"event":`, opts)), ['line 3: not valid JSON']);
    // At most 20 problems are named, in line order.
    const bad = Array.from({ length: 30 }, () => '{"event":"delivery"}').join('\n');
    const named = messages(() => parseReplay(bad, opts));
    assert.equal(named.length, 20);
    assert.equal(named[0], "line 1: 'message_id' is required");
    assert.ok(named.every((m) => /^line [1-9]\d*: /.test(m)));
    // Too many events is the answer before any problem; a text of blank lines has none.
    const many = `{"event":"open"}\n${`${good}\n`.repeat(50_000)}`;
    assert.deepEqual(messages(() => parseReplay(many, opts)), ['at most 50000 events per replay']);
    assert.deepEqual(messages(() => parseReplay('\n \r\n', opts)), ['no events to replay']);
    assert.equal(parseReplay(`${good}\n`.repeat(50_000), opts).length, 50_000);
  });
  // The replay route records a request in parts as its lines are read (issue 13); the caller's
  // transaction rolls back the parts handed on before a refused line.
  it('hands the events on in parts, in order, the last only once every line is checked', () => {
    const n = REPLAY_PART * 2 + 3;
    const own = Array.from({ length: n }, (_, i) => JSON.stringify(ev({ message_id: `m-${i}` })));
    const other = own.map((l) => JSON.stringify({ email: 'x@y.test', ...JSON.parse(l) })); // another field order: parsed
    for (const body of [Buffer.from(own.join('\n')), other.join('\r\n'), { events: other.map((l) => JSON.parse(l)) }]) {
      const whole = replayEvents(body, opts);
      const parts: { payloads: string[]; jsons: string[] }[] = [];
      const rest = replayEvents(body, { ...opts, part: (payloads, jsons) => parts.push({ payloads: payloads.map((p) => JSON.stringify(p)), jsons: jsons.map((j) => j.text()) }) });
      assert.deepEqual(rest, { payloads: [], jsons: [] });
      assert.deepEqual(parts.map((p) => p.payloads.length), [REPLAY_PART, REPLAY_PART, 3]);
      assert.deepEqual(parts.flatMap((p) => p.payloads), whole.payloads.map((p) => JSON.stringify(p)));
      assert.deepEqual(parts.flatMap((p) => p.jsons), whole.jsons.map((j) => j.text()));
    }
    // A refused line: the parts before it were handed on, the 400 names it, nothing after it is.
    const bad = [...own];
    bad[n - 1] = '{"event":"delivery"}';
    let handed = 0;
    assert.throws(
      () => replayEvents(Buffer.from(bad.join('\n')), { ...opts, part: (p) => (handed += p.length) }),
      (err: Error & { messages?: string[] }) => err.messages![0] === `line ${n}: 'message_id' is required`,
    );
    assert.equal(handed, 2 * REPLAY_PART);
    handed = 0;
    bad[n - 1] = own[n - 1];
    bad[REPLAY_PART - 1] = '{"event":"delivery"}';
    assert.throws(() => replayEvents(Buffer.from(bad.join('\n')), { ...opts, part: (p) => (handed += p.length) }), /message_id/);
    assert.equal(handed, 0, 'none after a refused line');
  });
  // The replay route records each payload with payloadUtf8 as its JSON (made as bytes, not by
  // JSON.stringify): that is its JSON only if the payload's fields come in buildEvent's order,
  // whatever order the request had them in.
  it('builds payloads whose JSON payloadUtf8 writes, every optional field in any order', () => {
    const all = {
      url: 'https://x.test/"a"',
      user_agent: 'UA',
      ip: '203.0.113.9',
      reason: 'why \\ not',
      bounce_category: 'bad_mailbox',
      response_code: 550,
      response: 'Grüße 😀',
      custom_variables: { b: [1, null], a: { z: 'ü' } },
      category: 'c\u2028',
      sending_domain_name: 'example.test',
      sending_stream: 'bulk',
      email: 'Ünï@Example.NET',
      timestamp: 1_764_000_000,
      event_id: 'kept',
      message_id: 'm-1',
      event: 'soft_bounce',
    };
    for (const keepIds of [false, true]) {
      const [full, bare] = parseReplay({ events: [all, ev()] }, { ...opts, keepIds });
      for (const p of [full, bare]) {
        assert.equal(payloadUtf8(p).text(), JSON.stringify(p));
        assert.equal(Buffer.compare(payloadUtf8(p).bytes(), Buffer.from(JSON.stringify(p))), 0);
      }
      assert.equal(Object.keys(full).length, 16);
    }
  });
  // JSON Lines read off their bytes (issue 13): a line in the emulator's own form is checked and
  // made into its payload and JSON without a JSON parse. Whatever the lines, the answer must be the
  // text path's: the same payloads (fields and their order), the same JSON byte for byte, or the
  // same 400. Lines are generated mostly in that form, with its edges (escapes, non-ASCII, integer
  // keys, repeated keys, `__proto__`, `-0`, exponents, spaces) and lines in any other form.
  it('JSON Lines read off their bytes answer as their text does, and a line in the emulator form is not parsed', () => {
    const plain = fc.string({ unit: fc.constantFrom(...'ab XY09@.-_:/#~'), maxLength: 10 });
    const odd = fc.constantFrom('', ' ', '  ', 'a"b', 'a\\b', 'tab\t', 'caf\u00e9', 'x\u2028', '\ud83d\ude00', '\ud800', '\u007f', '\u0000');
    const text = fc.oneof({ arbitrary: plain, weight: 24 }, { arbitrary: odd, weight: 1 }).map((t) => JSON.stringify(t));
    const numText = fc.constantFrom('0', '-0', '1', '-7', '550', '1.5', '1e2', '1E2', '2.0', '123456789012345', '-123456789012345', '1234567890123456', '9007199254740993', '12345678901234567', '4294967296');
    const valueText = fc.oneof({ arbitrary: text, weight: 6 }, { arbitrary: numText, weight: 3 }, { arbitrary: fc.constantFrom('true', 'false', 'null', '{"a":1}', '[1]'), weight: 1 });
    const key = fc.oneof(
      { arbitrary: plain, weight: 6 },
      { arbitrary: fc.constantFrom('k', 'k', 'k', '1', '01', '-1', '0', '4294967295', '__proto__', 'constructor', 'a\u00e9'), weight: 3 },
    );
    const variables = fc.array(fc.tuple(key, valueText), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
    const sometimes = <T>(a: fc.Arbitrary<T>, weight = 3) => fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: a, weight: 1 });
    const eventName = fc.oneof(
      { arbitrary: fc.constantFrom('delivery', 'open', 'click', 'unsubscribe', 'spam', 'soft bounce', 'bounce', 'suspension', 'reject'), weight: 10 },
      { arbitrary: fc.constantFrom('soft_bounce', 'spam_complaint', 'Delivery', ''), weight: 1 },
    ).map((e) => JSON.stringify(e));
    const fields = fc.record({
      event: eventName,
      message_id: text,
      event_id: fc.oneof({ arbitrary: text, weight: 8 }, { arbitrary: fc.constantFrom('1', 'null'), weight: 1 }),
      timestamp: fc.oneof({ arbitrary: fc.constantFrom('1764150000', '0', '-5'), weight: 8 }, { arbitrary: fc.constantFrom('1.5', '"1"', '-0', '1e3'), weight: 1 }),
      email: text,
      sending_stream: fc.oneof({ arbitrary: fc.constantFrom('"transactional"', '"bulk"'), weight: 10 }, { arbitrary: fc.constantFrom('"Bulk"', '1'), weight: 1 }),
      sending_domain_name: text,
      category: sometimes(text),
      custom_variables: sometimes(fc.oneof({ arbitrary: variables, weight: 8 }, { arbitrary: fc.constantFrom('null', '[]', '"x"'), weight: 1 })),
      response: sometimes(text),
      response_code: sometimes(fc.oneof({ arbitrary: numText, weight: 4 }, { arbitrary: fc.constantFrom('"550"', 'null'), weight: 1 })),
      bounce_category: sometimes(text),
      reason: sometimes(text),
      ip: sometimes(text),
      user_agent: sometimes(text),
      url: sometimes(text),
    });
    // Now and then a line out of the emulator's form: a field dropped, two swapped, one unknown or
    // repeated, a space, the whole line indented; or a line that is blank or not JSON at all.
    const change = fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'drop', 'swap', 'unknown', 'repeat', 'space', 'indent');
    const line = fc.tuple(fields, change, fc.nat()).map(([f, how, at]) => {
      const pairs: [string, string][] = Object.entries(f).filter((kv): kv is [string, string] => kv[1] !== undefined);
      const i = at % pairs.length;
      if (how === 'drop') pairs.splice(i, 1);
      if (how === 'swap' && i + 1 < pairs.length) [pairs[i], pairs[i + 1]] = [pairs[i + 1], pairs[i]];
      if (how === 'unknown') pairs.splice(i, 0, ['extra', '1']);
      if (how === 'repeat') pairs.push([pairs[i][0], '"again"']);
      const body = `{${pairs.map(([k, v]) => `"${k}":${how === 'space' ? ' ' : ''}${v}`).join(',')}}`;
      return how === 'indent' ? `  ${body}` : body;
    });
    const anyLine = fc.oneof({ arbitrary: line, weight: 30 }, { arbitrary: fc.constantFrom('', ' ', '\t', '{"event":', '[]', 'null'), weight: 1 });
    const body = fc.tuple(fc.array(anyLine, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), fc.boolean());
    const answer = (f: () => { payloads: unknown[]; jsons: { text(): string; bytes(): Uint8Array }[] }) => {
      try {
        const r = f();
        return { payloads: r.payloads.map((p) => JSON.stringify(p)), bytes: r.jsons.map((j) => Buffer.from(j.bytes()).toString('hex')) };
      } catch (err) {
        return { refused: (err as { messages?: string[] }).messages ?? String(err) };
      }
    };
    const parse = JSON.parse;
    let parsed = 0;
    let bytesParsed = 0;
    let lines = 0;
    JSON.parse = ((...a: Parameters<typeof JSON.parse>) => (parsed++, parse(...a))) as typeof JSON.parse;
    try {
      /** Asserts the two answers agree; returns how many of the lines the bytes' path parsed. */
      const same = (textBody: string, bom: boolean, keepIds: boolean): number => {
        const ids = (tag: string) => {
          let n = 0;
          return () => `${tag}${n++}`;
        };
        const opts = { keepIds, now: 1_800_000_000_123 };
        const viaText = answer(() => {
          const payloads = parseReplay(textBody, { ...opts, uuid: ids('id-') });
          return { payloads, jsons: payloads.map((p) => payloadUtf8(p)) };
        });
        // Parses made by the replay itself (a thin payload's fields are parsed when first read:
        // answer's JSON of it is not counted).
        let n = 0;
        const viaBytes = answer(() => {
          const before = parsed;
          try {
            return replayEvents(Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(textBody)]), { ...opts, uuid: ids('id-') });
          } finally {
            n = parsed - before;
          }
        });
        assert.deepEqual(viaBytes, viaText, textBody);
        const { payloads = [], bytes = [] } = viaBytes;
        for (let i = 0; i < payloads.length; i++) assert.equal(Buffer.from(bytes[i], 'hex').toString(), payloads[i]);
        return n;
      };
      fc.assert(
        fc.property(body, ([ls, crlf, bom, keepIds]) => {
          bytesParsed += same(ls.join(crlf ? '\r\n' : '\n'), bom, keepIds && ls.length === 1);
          lines += ls.length;
          return true;
        }),
        { numRuns: 4000, seed: 37 },
      );
      // Edges of the form, one by one: a repeated key (JSON.parse keeps the last value at the first
      // place), `__proto__`, an integer key (it comes first), a number past 2^53, `-0`.
      const head = JSON.stringify(ev()).slice(0, -1);
      for (const tail of ['"custom_variables":{"k":"a","k":"b"}', '"custom_variables":{"__proto__":"x"}', '"custom_variables":{"b":1,"2":2}', '"custom_variables":{"n":12345678901234567}', '"response_code":-0']) {
        assert.equal(same(`${head},${tail}}`, false, false), 1, tail);
      }
      const taken = lines - bytesParsed;
      assert.ok(taken > lines / 8 && bytesParsed > lines / 8, `${taken} of ${lines} generated lines taken without a parse, ${bytesParsed} parsed: both should be common`);
      // Lines in the emulator's own form only: not one JSON parse.
      parsed = 0;
      const own = [JSON.stringify(ev({ category: 'c', custom_variables: { a: 'b', n: -3, t: true, z: null }, response_code: 250, url: 'https://x.test/?a=1' })), JSON.stringify(ev())];
      const { payloads } = replayEvents(Buffer.from(own.join('\r\n')), { keepIds: false, now: 1_800_000_000_123, uuid: () => 'fresh' });
      assert.equal(parsed, 0);
      assert.equal(payloads.length, 2);
      assert.deepEqual(payloads[0].custom_variables, { a: 'b', n: -3, t: true, z: null });
      // A type that suppresses nothing: what recording reads (type, stream, domain, the new id and
      // time) without a parse, the rest off its JSON once, when first read (issue 13).
      const bounce = JSON.stringify({ ...ev({ event: 'bounce', message_id: 'mb', email: 'b@x.test' }), response: '550 no such user', response_code: 550, bounce_category: 'badmailbox' });
      parsed = 0;
      const r = replayEvents(Buffer.from([own[0], bounce].join('\n')), { keepIds: false, now: 1_800_000_000_123, uuid: () => 'fresh' });
      const [delivery, bounced] = r.payloads;
      assert.deepEqual(
        [delivery.event, delivery.event_id, delivery.timestamp, delivery.sending_stream, delivery.sending_domain_name],
        ['delivery', 'fresh', 1_800_000_000, 'transactional', 'example.com'],
      );
      // A suppressing type (bounce, spam, unsubscribe) has every field of its own: the suppression is made from them.
      assert.deepEqual(
        [bounced.message_id, bounced.email, bounced.bounce_category, bounced.response, bounced.response_code],
        ['mb', 'b@x.test', 'badmailbox', '550 no such user', 550],
      );
      assert.equal(parsed, 0, 'nothing parsed yet');
      assert.deepEqual(
        [delivery.message_id, delivery.email, delivery.category, delivery.response_code, delivery.url, delivery.reason],
        ['m', 'a@b.test', 'c', 250, 'https://x.test/?a=1', undefined],
      );
      assert.equal(parsed, 1, 'the rest of the delivery read off its JSON, once');
      assert.equal(JSON.stringify(delivery), r.jsons[0].text(), 'its JSON form is the whole event, as recorded');
      assert.equal(JSON.stringify(bounced), r.jsons[1].text());
    } finally {
      JSON.parse = parse;
    }
  });
  // A line whose old id and time are as long as the new ones is copied once and the two written
  // over (replay.ts, lineJson): its JSON must be what the text's payload writes, wherever the id's
  // and time's lengths differ by a character or not.
  it('a line whose id and time are as long as the new ones makes the same JSON as its text', () => {
    const uuid = (k: number) => `0000000${k}-aaaa-4bbb-8ccc-dddddddddddd`;
    const now = 1_800_000_000_123;
    for (const [eventId, timestamp] of [
      [uuid(1), 1_764_150_000],
      [uuid(1).slice(1), 1_764_150_000],
      [`${uuid(1)}x`, 1_764_150_000],
      [uuid(1), 176_415_000],
      [uuid(1), -176_415_000],
    ] as const) {
      for (const eol of ['\n', '\r\n']) {
        const ev = { event: 'delivery', message_id: 'm-1', event_id: eventId, timestamp, email: 'a@b.test', sending_stream: 'bulk', sending_domain_name: 'd.test', category: 'c', custom_variables: { k: 'v' } };
        const text = [JSON.stringify(ev), JSON.stringify({ ...ev, event: 'open', ip: '10.0.0.1' })].join(eol);
        let n = 0;
        const r = replayEvents(Buffer.from(text), { keepIds: false, now, uuid: () => uuid(++n) });
        n = 0;
        const expected = parseReplay(text, { keepIds: false, now, uuid: () => uuid(++n) }).map((p) => Buffer.from(payloadUtf8(p).bytes()).toString());
        assert.deepEqual(r.jsons.map((j) => j.text()), expected, `${eventId} ${timestamp} ${JSON.stringify(eol)}`);
        assert.deepEqual(r.payloads.map((p) => [p.event_id, p.timestamp]), [[uuid(1), 1_800_000_000], [uuid(2), 1_800_000_000]]);
      }
    }
    // A new id as long as the old one whose JSON needs an escape (a quote, non-ASCII) is written as
    // JSON.stringify writes it.
    for (const fresh of [`${uuid(1).slice(0, 35)}"`, `${uuid(1).slice(0, 35)}é`]) {
      const text = JSON.stringify({ event: 'delivery', message_id: 'm-1', event_id: uuid(9), timestamp: 1_764_150_000, email: 'a@b.test', sending_stream: 'bulk', sending_domain_name: 'd.test' });
      const [json] = replayEvents(Buffer.from(text), { keepIds: false, now, uuid: () => fresh }).jsons;
      assert.equal(json.text(), Buffer.from(payloadUtf8(parseReplay(text, { keepIds: false, now, uuid: () => fresh })[0]).bytes()).toString(), fresh);
      assert.equal(JSON.parse(json.text()).event_id, fresh);
    }
  });
  // `problems` reads each field by name (issue 13): it must name exactly what the check it replaced
  // named, in the same order (`previousCheck`, the rules as that version wrote them), or a 400 would
  // change, a good line be refused or a bad one let through.
  it('problems names what the previous check named, on generated events, in both id modes', () => {
    const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
    const previousCheck = (e: unknown, keepIds: boolean): string[] => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) return ['must be an object'];
      const o = e as Record<string, unknown>;
      const p: string[] = [];
      if (!parseEventType(o.event)) p.push(`'event' must be one of delivery, open, click, unsubscribe, spam, soft bounce, bounce, suspension, reject`);
      for (const f of ['message_id', 'email', 'sending_domain_name'] as const) if (!nonEmpty(o[f])) p.push(`'${f}' is required`);
      if (!['transactional', 'bulk'].includes(o.sending_stream as string)) p.push(`'sending_stream' must be transactional or bulk`);
      if (keepIds && !nonEmpty(o.event_id)) p.push(`'event_id' is required with keep_ids`);
      if (keepIds && o.timestamp !== undefined && !Number.isInteger(o.timestamp)) p.push(`'timestamp' must be unix seconds`);
      for (const f of ['category', 'response', 'bounce_category', 'reason', 'ip', 'user_agent', 'url']) if (o[f] !== undefined && typeof o[f] !== 'string') p.push(`'${f}' must be a string`);
      if (o.response_code !== undefined && !Number.isInteger(o.response_code)) p.push(`'response_code' must be an integer`);
      const cv = o.custom_variables;
      if (cv !== undefined && (cv === null || typeof cv !== 'object' || Array.isArray(cv))) p.push(`'custom_variables' must be an object`);
      return p;
    };
    const anyOf = <T>(...xs: T[]) => fc.constantFrom(...xs);
    // Mostly good values (or absent, for an optional field), each field now and then bad or missing.
    const mostly = (good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>) =>
      fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
    const badText = anyOf<unknown>('', '   ', ' \t\n', 0, 1.5, null, true, [], {}, ['x']);
    const text = mostly(anyOf('x', 'a@b.test', ' padded '), badText);
    const optional = (bad: fc.Arbitrary<unknown>, good: fc.Arbitrary<unknown> = anyOf('x', '', ' ')) =>
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: good, weight: 2 }, { arbitrary: bad, weight: 1 });
    const event = fc.record(
      {
        event: mostly(
          anyOf('delivery', 'open', 'click', 'unsubscribe', 'spam', 'spam_complaint', 'soft bounce', 'soft_bounce', 'bounce', 'suspension', 'reject'),
          anyOf<unknown>('Delivery', 'sent', '', 1, null),
        ),
        message_id: text,
        email: text,
        sending_domain_name: text,
        sending_stream: mostly(anyOf('transactional', 'bulk'), anyOf<unknown>('Bulk', '', 1, null)),
        event_id: text,
        timestamp: optional(anyOf<unknown>(1.5, '1764000000', null, Number.NaN), anyOf(1_764_000_000, 0, -1)),
        category: optional(badText),
        response: optional(badText),
        bounce_category: optional(badText),
        reason: optional(badText),
        ip: optional(badText),
        user_agent: optional(badText),
        url: optional(badText),
        response_code: optional(anyOf<unknown>(5.5, '550', null), anyOf(550, 0)),
        custom_variables: optional(anyOf<unknown>(null, [], 'x', 1), anyOf({}, { a: 1 })),
      },
      { requiredKeys: [] },
    );
    const input = fc.oneof({ arbitrary: event, weight: 20 }, { arbitrary: anyOf<unknown>(null, 1, 'x', [], [{}], true), weight: 1 });
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(input, fc.boolean(), (e, keepIds) => {
        const named = problems(e, keepIds);
        assert.deepEqual([...named], previousCheck(e, keepIds), `${JSON.stringify(e)} keepIds=${keepIds}`);
        if (named.length === 0) {
          accepted++;
          const [payload] = parseReplay({ events: [e] }, { ...opts, keepIds });
          assert.equal(payload.event, toPayloadEventName(parseEventType((e as { event: unknown }).event)!));
        } else refused++;
      }),
      { numRuns: 5000, seed: 30 },
    );
    assert.ok(accepted > 500 && refused > 500, `${accepted} generated events accepted, ${refused} refused: both should be common`);
  });
});
