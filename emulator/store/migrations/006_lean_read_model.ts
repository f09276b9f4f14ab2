export const name = 'lean read model';
/**
 * Issue 13: every event writes an `events` row and, once batched, a `delivery_events` row; each
 * secondary index on them costs every event a B-tree insert in WebAssembly (~5 µs), paid on the
 * delivery path. These five served reads that are rare and cheap enough as a scan of the
 * retained rows (by event type, by event id; a batch's events by message id or address) or that
 * `deliveries.event_types` already answers (batches by event type). Kept: events by message id
 * (email logs correlate every message with its events) and by address, and a batch's events.
 */
export const sql = `
DROP INDEX IF EXISTS events_type;
DROP INDEX IF EXISTS events_event_id;
DROP INDEX IF EXISTS delivery_events_message;
DROP INDEX IF EXISTS delivery_events_email;
DROP INDEX IF EXISTS delivery_events_type;
`;
