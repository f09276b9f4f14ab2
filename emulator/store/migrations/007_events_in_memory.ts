export const name = 'events in memory';
/**
 * Issue 13: the events live in memory (store/eventLog.ts). A snapshot carries them in
 * `event_store`, chunks of lines keyed by their first event id (store/eventSnapshot.ts). The
 * `events` table stays, empty: journals written before this version insert into it, and the store
 * moves what they insert into memory as they replay.
 */
export const sql = `
CREATE TABLE event_store (
  chunk   INTEGER PRIMARY KEY,
  events  INTEGER NOT NULL,
  body    TEXT NOT NULL
)
`;
