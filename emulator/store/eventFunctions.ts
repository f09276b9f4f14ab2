/**
 * SQL functions over the in-memory events (eventLog.ts), registered on every database the store
 * opens (the live one, and each one a journal is replayed into): what SQL once read from the
 * `events` table.
 *
 * - `mt_events_body(separator, ids)`: the events' JSON, in id order, joined (a batch's body; its
 *   journaled INSERT rebuilds the body with it instead of carrying the bytes again);
 * - `mt_event_keys(ids)`: `[[event_id, type, message_id, email], …]` in id order (a batch's
 *   `delivery_keys` row, made the same way);
 * - `mt_status(message_id)`, `mt_count(message_id, type)`, `mt_bounce_responses(message_id)`: a
 *   message's Email Logs status, counts and bounce responses (the filters by status, event type
 *   and count walk the events' maps instead: `EventLog.messageIdsWhere`);
 * - `mt_stats_mask(message_id)`: which of the Stats API's event types a message has, as the bits
 *   of `STATS_BITS` (one call a message instead of one a type: each call crosses from
 *   WebAssembly into JavaScript with the message id decoded again).
 *
 * `ids` and `types` are JSON arrays. A function that meets an id with no event fails the statement:
 * a journal that asks for an event the store does not have must not replay to a different state.
 */
import type { Database as SqlJsDatabase } from 'sql.js';
import { deriveStatus } from '../core/logs/emailLog';
import type { PayloadEventName } from '../core/types';
import type { EventLog } from './eventLog';

function sortedIds(idsJson: string): number[] {
  return (JSON.parse(idsJson) as number[]).slice().sort((a, b) => a - b);
}

const missing = (id: number): never => {
  throw new Error(`no event with row id ${id}`);
};

const BOUNCES: ReadonlySet<string> = new Set(['bounce', 'soft bounce']);

/** The bit of each event type the Stats API counts, in `mt_stats_mask`. */
export const STATS_BITS = { delivery: 1, bounce: 2, open: 4, click: 8, spam: 16 } as const;
/** `STATS_BITS` by event type, as `EventLog.typeBits` takes them. */
export const STATS_BIT: ReadonlyMap<string, number> = new Map(Object.entries(STATS_BITS));

/** A batch's event keys text (migrations 008, 011): `[[event_id, type, message_id, email], …]`, as `mt_event_keys` gives it. */
export const eventKeysText = (keys: readonly { eventId: string; type: string; messageId: string; email: string }[]): string =>
  JSON.stringify(keys.map((k) => [k.eventId, k.type, k.messageId, k.email]));

/** Register the functions on `db`, reading the events `events()` gives at each call. */
export function registerEventFunctions(db: SqlJsDatabase, events: () => EventLog): void {
  db.create_function('mt_events_body', (separator: string, ids: string) =>
    sortedIds(ids)
      .map((id) => events().json(id) ?? missing(id))
      .join(separator),
  );
  db.create_function('mt_event_keys', (ids: string) => eventKeysText(sortedIds(ids).map((id) => events().get(id) ?? missing(id))));
  db.create_function('mt_status', (messageId: string) => deriveStatus(events().typesOf(messageId) as PayloadEventName[]));
  db.create_function('mt_count', (messageId: string, type: string) => events().count({ messageId, type }));
  db.create_function('mt_stats_mask', (messageId: string) => events().typeBits(messageId, STATS_BIT));
  db.create_function('mt_bounce_responses', (messageId: string) =>
    JSON.stringify(
      events()
        .ofMessage(messageId, BOUNCES)
        .map((r) => (JSON.parse(r.json) as { response?: unknown }).response ?? null),
    ),
  );
}
