/**
 * Issue 13: a batch's event keys (migration 008: `[[event_id, type, message_id, email], …]`, ~60 KB
 * for 500 events, there for the inspector's filters and for retention) get a read-model table of
 * their own, written into SQLite when the store is quiet (deferredRows.ts), like a batch's body
 * (migration 010): made and inserted with the delivery row they were ~0.5 ms a batch, on the
 * delivery path. Existing rows move there; `deliveries.event_keys` stays, '[]', unused.
 */
export const name = 'delivery_keys';
export const sql = `
CREATE TABLE delivery_keys (
  delivery_id  INTEGER PRIMARY KEY,
  event_keys   TEXT NOT NULL
);
INSERT INTO delivery_keys (delivery_id, event_keys) SELECT id, event_keys FROM deliveries;
UPDATE deliveries SET event_keys = '[]' WHERE event_keys <> '[]';
`;
