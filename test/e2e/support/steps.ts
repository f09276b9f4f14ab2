/**
 * A story of steps for the real-VS-Code suites. Steps build on each other: after a failure the
 * rest fail at once (naming the broken step) instead of each waiting out its timeouts, and the
 * failing screen of every window is saved.
 */
import { it } from 'node:test';

export interface Screens {
  screenshot(name: string): Promise<unknown>;
}

/** `windows()` gives the windows open now (undefined ones are skipped). */
export function storySteps(windows: () => (Screens | undefined)[]) {
  let brokenAt: string | undefined;
  return (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      if (brokenAt) throw new Error(`not run: the earlier step "${brokenAt}" failed`);
      try {
        await fn();
      } catch (err) {
        brokenAt = name;
        for (const w of windows()) await w?.screenshot(`FAILED-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
        throw err;
      }
    });
}
