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
    core.bus.on('events.recorded', (evs) => announced.push(...evs.map((e) => e.id)));
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
});
