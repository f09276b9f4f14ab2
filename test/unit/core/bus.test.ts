/**
 * The core's event bus (emulator/core/bus.ts): `listened` tells an emitter whether anyone would get
 * an event, so the delivery service builds a delivery's view (every attempt, read from the store)
 * only while someone listens, as the SSE stream does when the inspector or the web UI is open.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus } from '../../../emulator/core/bus';

describe('EventBus', () => {
  it('says whether an event has a listener, named or for every event, as listeners come and go', () => {
    const bus = new EventBus<{ a: number; b: string }>();
    assert.equal(bus.listened('a'), false);
    const got: unknown[] = [];
    const off = bus.on('a', (n) => got.push(n));
    assert.equal(bus.listened('a'), true);
    assert.equal(bus.listened('b'), false);
    off();
    assert.equal(bus.listened('a'), false);
    const offAny = bus.onAny((m) => got.push(m.name));
    assert.equal(bus.listened('b'), true);
    bus.emit('b', 'x');
    offAny();
    assert.equal(bus.listened('b'), false);
    assert.deepEqual(got, ['b']);
  });
});
