/**
 * A large replay's lines made on two threads (issue 13, http/replayLines.ts): the worker, started
 * from its real script, takes the back half of the lines. What it makes must be what one thread
 * makes of the same body (`replayEvents`), byte for byte and field for field, but for the fresh
 * ids; anything it cannot answer for leaves the whole body to the caller.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { writeInto } from '../../../emulator/core/jsonText';
import { packReplay, replayEvents, unpackReplay, type ReplayEvents } from '../../../emulator/core/replay';
import { ReplayLines, replayWorkerScript, SHARED_FROM } from '../../../emulator/http/replayLines';

const NOW = 1_800_000_000_123;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let n = 0;
const counted = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

/** Line `i`: the emulator's own form, another field order, a bounce, non-ASCII text, a blank line, in turn. */
function line(i: number): string {
  const base = { event: 'delivery', message_id: `m-${i}`, event_id: 'old', timestamp: 1, email: `u${i}@two.test`, sending_stream: i % 3 ? 'transactional' : 'bulk', sending_domain_name: `d${i % 4}.test`, category: 'cat'.repeat(20), custom_variables: { n: String(i), flag: i % 2 === 0 } };
  switch (i % 5) {
    case 0:
      return JSON.stringify(base);
    case 1:
      return JSON.stringify(Object.fromEntries(Object.entries(base).reverse())); // another field order
    case 2:
      return JSON.stringify({ ...base, event: 'bounce', response: '550 no such user', response_code: 550, bounce_category: 'badmailbox' });
    case 3:
      return JSON.stringify({ ...base, email: `ü${i}@two.test`, reason: 'naïve' });
    default:
      return i % 10 === 4 ? '' : JSON.stringify({ ...base, event: 'open', ip: '10.0.0.1', user_agent: 'UA' });
  }
}

const body = (count: number, crlf = false) => Buffer.from(Array.from({ length: count }, (_, i) => line(i)).join(crlf ? '\r\n' : '\n'));

/** Each event as its JSON says and as its payload says, its id set aside (checked apart). */
const seen = (e: ReplayEvents) =>
  e.payloads.map((p, i) => {
    const text = e.jsons[i].text();
    const json = JSON.parse(text) as Record<string, unknown>;
    const payload = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
    assert.equal(json.event_id, p.event_id);
    assert.equal(payload.event_id, p.event_id);
    return { json: text.replace(p.event_id, 'ID'), payload: { ...payload, event_id: 'ID' }, fields: [p.event, p.timestamp, p.sending_stream, p.sending_domain_name, p.email, p.message_id] };
  });

describe('a replay made on two threads', () => {
  const lines = new ReplayLines(counted, replayWorkerScript());
  after(() => lines.close());

  it('is what one thread makes of the same lines, but for its fresh ids, in line order', async () => {
    // Longest first: a shorter body's lines then go to the worker in the longer one's buffer, handed back (replayLines.ts).
    for (const [count, crlf] of [[7000, true], [7000, false], [5000, false]] as const) {
      const bytes = body(count, crlf);
      assert.ok(bytes.length >= SHARED_FROM);
      const made = await lines.make(bytes, NOW);
      assert.ok(made, 'shared with the worker');
      assert.equal(made.length, 2);
      assert.ok(made[0].payloads.length > 2000 && made[1].payloads.length > 2000, 'each thread took about half');
      const alone = replayEvents(bytes, { keepIds: false, now: NOW, uuid: counted });
      const both: ReplayEvents = { payloads: made.flatMap((m) => m.payloads), jsons: made.flatMap((m) => m.jsons) };
      assert.deepEqual(seen(both), seen(alone));
      const ids = both.payloads.map((p) => p.event_id);
      assert.equal(new Set(ids).size, ids.length, 'every id fresh');
      assert.ok(made[1].payloads.every((p) => UUID.test(p.event_id)), "the worker's ids are UUIDs of its own");
      assert.ok(made[0].payloads.every((p) => p.event_id.startsWith('00000000-')), "this thread's from its own source");
    }
  });

  it('leaves the body to the caller when it is small, when a line is refused on either side, or when there are too many', async () => {
    assert.equal(await lines.make(body(200), NOW), undefined, 'small');
    const text = Array.from({ length: 7000 }, (_, i) => line(i));
    for (const at of [10, 6990]) {
      const bad = [...text];
      bad[at] = '{"event":';
      assert.equal(await lines.make(Buffer.from(bad.join('\n')), NOW), undefined, `refused at line ${at + 1}`);
    }
    const many = Buffer.from(Array.from({ length: 50_001 }, () => JSON.stringify({ event: 'open', message_id: 'm', email: 'a@b.c', sending_stream: 'bulk', sending_domain_name: 'd' })).join('\n'));
    assert.equal(await lines.make(many, NOW), undefined, 'more than a replay takes');
    assert.ok(await lines.make(body(7000), NOW), 'and shares the next one');
  });

  it('packs events to cross threads and unpacks the same ones', () => {
    const events = replayEvents(body(300), { keepIds: false, now: NOW, uuid: counted });
    const back = unpackReplay(packReplay(events, Math.floor(NOW / 1000)));
    assert.deepEqual(seen(back), seen(events));
    assert.deepEqual(
      back.payloads.map((p) => p.event_id),
      events.payloads.map((p) => p.event_id),
    );
    // Its JSON lies as a slab's does: one after another, a comma after each (a batch copies runs of them).
    for (let i = 1; i < back.jsons.length; i++) assert.equal(back.jsons[i].start, back.jsons[i - 1].end + 1);
    assert.equal(back.jsons[0].slab[back.jsons[0].end], 0x2c);
  });

  // The worker makes its events' JSON straight into the buffer it hands back (replayWorker.ts).
  it('events made into a buffer of their own are packed in it as they lie; those that did not fit are copied out as before', () => {
    const ids = () => {
      let k = 0;
      return () => `00000000-0000-4000-8000-${String(++k).padStart(12, '0')}`;
    };
    const text = body(300);
    const copied = unpackReplay(packReplay(replayEvents(text, { keepIds: false, now: NOW, uuid: ids() }), Math.floor(NOW / 1000)));
    for (const [size, inPlace] of [
      [text.length + 65_536, true],
      [2000, false], // room for a few events: the rest go to slabs of their own
    ] as const) {
      const into = new ArrayBuffer(size);
      writeInto(Buffer.from(into));
      const events = replayEvents(text, { keepIds: false, now: NOW, uuid: ids() });
      writeInto(Buffer.alloc(0));
      const packed = packReplay(events, Math.floor(NOW / 1000), into);
      assert.equal(packed.json === into, inPlace, inPlace ? 'handed on as it lies' : 'copied out');
      const back = unpackReplay(packed);
      assert.deepEqual(back.jsons.map((j) => j.text()), copied.jsons.map((j) => j.text()), 'the same JSON, byte for byte');
      assert.deepEqual(seen(back), seen(copied));
      assert.deepEqual(back.payloads.map((p) => p.event_id), copied.payloads.map((p) => p.event_id));
    }
  });

  it('without a worker script, every body is left to the caller', async () => {
    const none = new ReplayLines(counted, null);
    assert.equal(await none.make(body(7000), NOW), undefined);
    await none.close();
  });
});
