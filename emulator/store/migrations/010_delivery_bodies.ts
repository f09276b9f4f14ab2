/**
 * Issue 13: a batch's body (~150 KB for 500 events) gets a read-model table of its own, written
 * into SQLite when the store is quiet (deferredRows.ts) rather than in the middle of a webhook's
 * batches going out: inserting it with the delivery row was ~1 ms a batch, on the delivery path.
 * Rows from before keep their body in `deliveries.body`; a new batch's row there is ''.
 */
export const name = 'delivery_bodies';
export const sql = `
CREATE TABLE delivery_bodies (
  delivery_id  INTEGER PRIMARY KEY,
  body         TEXT NOT NULL
);
`;
