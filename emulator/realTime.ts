/** The real-time source for the virtual clock: the one place the emulator reads wall time for the core. */
import { performance } from 'node:perf_hooks';
import type { RealTime } from './core/clock';

export const realTime: RealTime = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  busyMs: () => performance.eventLoopUtilization().active,
};
