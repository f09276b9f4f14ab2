/** The shipped sample batches are exactly what our event builder produces, and Mailtrap-shaped. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BOUNCE_CATEGORIES } from '../../../../emulator/core/sending/eventBuilder';
import { sampleFiles } from '../../../../emulator/core/sending/samples';
import { PAYLOAD_EVENT_NAMES } from '../../../../emulator/core/types';

const root = join(__dirname, '..', '..', '..', '..');
const keysByType = (events: any[]) => Object.fromEntries(events.map((e) => [e.event, Object.keys(e).sort()]));

describe('sample batches', () => {
  it('samples/ holds exactly the generator output (run `npm run samples` after changing the builder)', () => {
    for (const [name, text] of Object.entries(sampleFiles())) {
      assert.equal(readFileSync(join(root, 'samples', name), 'utf8'), text, `samples/${name} is stale`);
    }
  });

  it('all-event-types has the nine types with the same fields per type as an independent Mailtrap-shaped batch', () => {
    const ours = JSON.parse(sampleFiles()['all-event-types.json']).events;
    const theirs = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'shared-samples', 'all-event-types.json'), 'utf8')).events;
    assert.deepEqual(ours.map((e: any) => e.event).sort(), [...PAYLOAD_EVENT_NAMES].sort());
    assert.deepEqual(keysByType(ours), keysByType(theirs));
  });

  it('bounce storm: 40 bulk hard bounces, JSON Lines, categories from Mailtrap\'s list, unique event ids', () => {
    const lines = sampleFiles()['bounce-storm.jsonl'].trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 40);
    for (const e of lines) {
      assert.equal(e.event, 'bounce');
      assert.equal(e.sending_stream, 'bulk');
      assert.ok((BOUNCE_CATEGORIES as readonly string[]).includes(e.bounce_category));
      assert.equal(e.response.slice(0, 3), String(e.response_code));
    }
    assert.equal(new Set(lines.map((e) => e.event_id)).size, 40);
  });

  it('engagement: oldest first, only delivery/open/click/unsubscribe, clicks carry a url', () => {
    const events = JSON.parse(sampleFiles()['engagement.json']).events;
    assert.ok(events.length > 20);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].timestamp >= events[i - 1].timestamp);
    assert.deepEqual([...new Set(events.map((e: any) => e.event))].sort(), ['click', 'delivery', 'open', 'unsubscribe']);
    for (const e of events.filter((x: any) => x.event === 'click')) assert.match(e.url, /^https:\/\//);
  });

  it('lifecycles: soft bounces resolving both ways, and a suspension resolving both ways (statuses-and-events.md)', () => {
    const events = JSON.parse(sampleFiles()['lifecycles.json']).events as any[];
    const byEmail = (email: string) => events.filter((e) => e.email === email).map((e) => e.event);
    assert.deepEqual(byEmail('ann+soft-bounce@example.net'), ['soft bounce', 'delivery']);
    assert.deepEqual(byEmail('bob+soft-bounce-fail@example.net'), [...Array(10).fill('soft bounce'), 'bounce']);
    assert.deepEqual(byEmail('cat@example.net'), ['suspension', 'delivery']);
    assert.deepEqual(byEmail('dan@example.net'), ['suspension', 'reject']);
    assert.deepEqual(events.map((e) => e.timestamp), [...events.map((e) => e.timestamp)].sort((a, b) => a - b));
  });
});
