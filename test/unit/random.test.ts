/**
 * The emulator's random ids: event ids are version 4 UUIDs, as Mailtrap's `event_id` values are.
 * Source: mailtrap/mailtrap-openapi, specs/webhooks.openapi.yml (in its git history), the payload
 * examples' `event_id: bede7236-2284-43d6-a953-1fdcafd0fdbc` (version nibble 4, variant `a`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidV4 } from '../../emulator/random';

describe('uuidV4', () => {
  it('gives RFC 4122 version 4 UUIDs in lower case, all different, across many refills of its random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = uuidV4();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    assert.equal(seen.size, 5000);
  });

  it('a returned id is its own string: the next call does not change it', () => {
    const a = uuidV4();
    const copy = `${a}`.split('').join('');
    uuidV4();
    assert.equal(a, copy);
  });

  it('every hex digit occurs in every random position (the bytes are used, not a constant)', () => {
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...uuidV4()].forEach((c, k) => digits[k].add(c));
    for (const k of [0, 9, 15, 20, 35]) assert.equal(digits[k].size, 16, `position ${k}`);
    assert.deepEqual([...digits[14]], ['4']);
    assert.deepEqual([...digits[19]].sort(), ['8', '9', 'a', 'b']);
  });
});
