import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventPayload } from '../../../emulator/core/events';
import { inMemoryCore } from '../../helpers/inMemoryCore';

const payload = (over: Partial<EventPayload> = {}): EventPayload => ({
  event: 'delivery',
  message_id: 'm-1',
  event_id: 'e-1',
  timestamp: 1764150000,
  email: 'User@Example.net',
  sending_stream: 'transactional',
  sending_domain_name: 'example.com',
  ...over,
});

describe('EventService', () => {
  it('stores events in order, hands them to consumers, and announces them after commit', async () => {
    const { core } = await inMemoryCore();
    const consumed: number[] = [];
    const announced: number[] = [];
    core.events.addConsumer((evs) => consumed.push(...evs.map((e) => e.id)));
    core.bus.on('events.recorded', ({ ids }) => announced.push(...ids));
    const stored = core.events.record([payload(), payload({ event_id: 'e-2', event: 'open' })]);
    assert.deepEqual(consumed, stored.map((e) => e.id));
    assert.deepEqual(announced, consumed);
    assert.ok(stored[1].id > stored[0].id);
    assert.deepEqual(core.events.list({ email: 'user@example.net' }).map((e) => e.payload.event_id), ['e-2', 'e-1']);
    assert.equal(core.events.count({ type: 'open' }), 1);
  });

  it('a consumer that fails aborts the recording: nothing stored, nothing announced', async () => {
    const { core } = await inMemoryCore();
    let announced = 0;
    core.bus.on('events.recorded', () => announced++);
    core.events.addConsumer(() => {
      throw new Error('queue full');
    });
    assert.throws(() => core.events.record([payload()]), /queue full/);
    assert.equal(core.events.count({}), 0);
    assert.equal(announced, 0);
  });

  it('a recording in parts: each part stored and consumed as it comes, one announcement by ids after commit; a throw after some parts keeps none', async () => {
    const { core } = await inMemoryCore();
    const consumed: number[][] = [];
    const announced: number[][] = [];
    core.events.addConsumer((evs) => consumed.push(evs.map((e) => e.id)));
    core.bus.on('events.recorded', ({ ids }) => announced.push(ids));
    const parts = [[payload(), payload({ event_id: 'e-2' })], [], [payload({ event_id: 'e-3', event: 'open' })]];
    const got = core.events.recordInParts((record) => {
      const ids = parts.map((p) => record(p).map((e) => e.id));
      assert.equal(announced.length, 0, 'not before the commit');
      return ids;
    });
    assert.deepEqual(consumed, [got[0], got[2]], 'each part consumed when recorded; an empty part not at all');
    assert.deepEqual(announced, [[...got[0], ...got[2]]]);
    assert.equal(core.events.count({}), 3);

    assert.throws(
      () =>
        core.events.recordInParts((record) => {
          record([payload({ event_id: 'e-4' })]);
          record([payload({ event_id: 'e-5' })]);
          throw new Error('line 2049: not valid JSON');
        }),
      /line 2049/,
    );
    assert.equal(core.events.count({}), 3, 'neither part is kept');
    assert.equal(announced.length, 1, 'nor announced');
    assert.deepEqual(core.events.list({}).map((e) => e.payload.event_id), ['e-3', 'e-2', 'e-1']);
  });
});
