/**
 * The origins (`http://127.0.0.1:PORT`) this data dir's emulator has served from, oldest first, so
 * webhooks on its built-in sink can follow it to a new port (core/ownSink.ts decides; this keeps it).
 */
import type { Store } from './database';

export function loadOwnOrigins(store: Store): string[] {
  const raw = store.get<{ value: string }>("SELECT value FROM meta WHERE key = 'own_origins'")?.value ?? '[]';
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

export function saveOwnOrigins(store: Store, origins: string[]): void {
  store.run("INSERT INTO meta (key, value) VALUES ('own_origins', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [JSON.stringify(origins)]);
}
