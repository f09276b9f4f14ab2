export const name = 'batch event keys';
/**
 * Issue 13: a batch's events were one `delivery_events` row each (~6 µs of WebAssembly per event
 * on the delivery path), there only for the inspector's filters (by event type, message id,
 * address) and retention (the events of a batch still being delivered). They are now one column
 * of the batch's own row: `event_keys`, `[[event_id, type, message_id, email], …]` in event order,
 * the text `mt_event_keys` gives (store/eventFunctions.ts). Existing rows move there.
 *
 * The store applies migrations after it replays the journal, so journals written before this
 * version (which insert into `delivery_events`) replay before the table goes.
 */
export const sql = `
ALTER TABLE deliveries ADD COLUMN event_keys TEXT NOT NULL DEFAULT '[]';
UPDATE deliveries SET event_keys = (
  SELECT json_group_array(json_array(e.event_id, e.type, e.message_id, e.email))
  FROM delivery_events e WHERE e.delivery_id = deliveries.id
) WHERE id IN (SELECT delivery_id FROM delivery_events);
DROP TABLE delivery_events;
`;
