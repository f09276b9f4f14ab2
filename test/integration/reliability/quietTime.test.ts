/**
 * Quiet time and requests (issue 13). The store's quiet-time work (the read model's rows, the
 * events' maps, retention's slices, a compaction at rest) waits until nothing has committed for
 * 100 ms. A request arriving is activity too: a replay's 20,000 lines (~6 MB) take tens of ms to
 * arrive after the answer to the one before it, and a slice that started meanwhile held it up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEmulator, type TestEmulator } from '../../helpers/inProcessEmulator';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('quiet time waits for requests', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  it('a task waiting for quiet does not run while requests keep arriving, even ones that commit nothing; it runs once they stop', async () => {
    let ran = 0;
    // Reads, 30 ms apart: nothing commits, but each arrival is activity. The task starts waiting
    // just after the first.
    assert.equal((await t.call('GET', '/emulator/status')).status, 200);
    t.emu.store.whenQuiet(() => (ran++, false));
    for (let i = 0; i < 8; i++) {
      assert.equal((await t.call('GET', '/emulator/status')).status, 200);
      await pause(30);
    }
    assert.equal(ran, 0, 'not while requests keep arriving');
    for (let k = 0; k < 50 && !ran; k++) await pause(20);
    assert.equal(ran, 1, 'once they stopped, it ran');
  });
});
