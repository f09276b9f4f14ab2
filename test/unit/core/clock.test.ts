import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock } from '../../../emulator/core/clock';
import { FakeRealTime } from '../../helpers/fakeTime';

describe('VirtualClock', () => {
  it('runs at the given scale against real time', () => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 60);
    const start = clock.now();
    real.tick(1000);
    assert.equal(clock.now() - start, 60_000);
  });

  it('fires a timer when real time reaches its scaled due time', () => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 60);
    const fired: number[] = [];
    clock.after(30_000, () => fired.push(clock.now()));
    real.tick(499);
    assert.deepEqual(fired, []);
    real.tick(1);
    assert.equal(fired.length, 1, '30 virtual seconds at scale 60 is half a real second');
  });

  it('advance fires everything due in order, with now() at each due time', async () => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 1);
    const t0 = clock.now();
    const seen: Array<[string, number]> = [];
    clock.after(300_000, () => seen.push(['b', clock.now() - t0]));
    clock.after(30_000, () => seen.push(['a', clock.now() - t0]));
    clock.after(3_600_000, () => seen.push(['c', clock.now() - t0]));
    const r = await clock.advance(600_000);
    assert.deepEqual(seen, [
      ['a', 30_000],
      ['b', 300_000],
    ]);
    assert.equal(r.fired, 2);
    assert.equal(clock.now() - t0, 600_000);
    assert.equal(clock.info().pendingTimers, 1);
  });

  it('advance also fires timers scheduled by callbacks, including async ones, within the window', async () => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 1);
    const t0 = clock.now();
    const attempts: number[] = [];
    const attempt = async () => {
      await Promise.resolve();
      attempts.push(clock.now() - t0);
      if (attempts.length < 41) clock.after(300_000, attempt);
    };
    clock.after(0, attempt);
    await clock.advance(200 * 60_000);
    assert.equal(attempts.length, 41, 'the full 41-attempt schedule fits in 200 virtual minutes');
    assert.deepEqual(
      attempts.slice(0, 3),
      [0, 300_000, 600_000],
    );
    assert.equal(attempts[40], 40 * 300_000);
  });

  it('a cancelled timer never fires', async () => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 1);
    let fired = false;
    const t = clock.after(1000, () => (fired = true));
    t.cancel();
    await clock.advance(5000);
    real.tick(5000);
    assert.equal(fired, false);
  });

  it('a throwing callback is reported and does not stop later timers', async () => {
    const real = new FakeRealTime();
    const errors: unknown[] = [];
    const clock = new VirtualClock(real, 1, undefined, 1000, (e) => errors.push(e));
    let later = false;
    clock.after(10, () => {
      throw new Error('boom');
    });
    clock.after(20, () => (later = true));
    await clock.advance(100);
    await clock.idle();
    assert.equal(later, true);
    assert.equal(errors.length, 1);
  });

  it('reports a jump of exactly the asked amount while real time keeps running', async () => {
    // Real time moves on between any two reads (a busy machine); the answer of
    // POST /emulator/clock/advance must still say `to - from` = the asked seconds.
    class RunningTime extends FakeRealTime {
      override now(): number {
        const t = super.now();
        this.tick(1);
        return t;
      }
    }
    const clock = new VirtualClock(new RunningTime(), 1);
    for (const ms of [0, 1000, 3_600_000]) {
      const r = await clock.advance(ms);
      assert.equal(r.to - r.from, ms);
      assert.ok(clock.now() >= r.to, 'the clock is not behind what the advance reported');
    }
  });

  it('rejects a negative advance and a non-positive scale', async () => {
    const real = new FakeRealTime();
    await assert.rejects(new VirtualClock(real).advance(-1), RangeError);
    assert.throws(() => new VirtualClock(real, 0), RangeError);
  });

  describe('a callback still running when the grace ends', () => {
    /** Real time with a busy-time probe the test sets: `busyShare` of each tick counts as busy. */
    class ProbedTime extends FakeRealTime {
      busy = 0;
      busyShare = 0;
      busyMs(): number {
        return this.busy;
      }
      run(ms: number): void {
        this.busy += ms * this.busyShare;
        this.tick(ms);
      }
    }
    const turns = () => new Promise((r) => setImmediate(r));

    it('is left behind after one grace when the process waits idle (a receiver that never answers)', async () => {
      const real = new ProbedTime();
      const clock = new VirtualClock(real, 1, undefined, 1000);
      clock.after(10, () => new Promise(() => undefined));
      let returned = false;
      void clock.advance(100).then(() => (returned = true));
      await turns();
      real.run(1000);
      await turns();
      assert.equal(returned, true, 'the advance moved on');
    });

    it('is waited for while the process stays busy, so the advance returns with its work done', async () => {
      const real = new ProbedTime();
      real.busyShare = 0.9; // a loaded machine: our own work is slow, not stuck
      const clock = new VirtualClock(real, 1, undefined, 1000);
      let finish!: () => void;
      let attempted = false;
      clock.after(10, () => new Promise<void>((r) => (finish = r)).then(() => (attempted = true)));
      let returned = false;
      void clock.advance(100).then(() => (returned = true));
      for (let i = 0; i < 3; i++) {
        await turns();
        real.run(1000);
      }
      await turns();
      assert.equal(returned, false, 'three graces later it still waits');
      finish();
      await turns();
      await turns();
      assert.equal(attempted, true);
      assert.equal(returned, true);
    });
  });
});
