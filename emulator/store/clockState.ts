/**
 * Where the virtual clock's "now" is kept across restarts (the `meta` table): virtual time never
 * runs backwards, so a restart resumes from the last saved value.
 */
import type { Store } from './database';

export class SqlClockState {
  constructor(private readonly store: Store) {}

  /** The last saved virtual now (epoch ms), or 0 for a new store. */
  saved(): number {
    return Number(this.store.get<{ value: string }>("SELECT value FROM meta WHERE key = 'clock_now'")?.value ?? 0);
  }

  save(now: number): void {
    this.store.run("INSERT INTO meta (key, value) VALUES ('clock_now', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [String(now)]);
  }
}
