export const name = 'events in memory';
/**
 * Issue 13: the events live in memory (store/eventLog.ts). A snapshot carries them in
 * `event_store`, chunks of lines written only for the export (store/eventSnapshot.ts). The
 * `events` table stays, empty: journals written before this version insert into it, and the store
 * moves what they insert into memory as they replay.
 */
export const sql = `
CREATE TABLE event_store (
  chunk  INTEGER PRIMARY KEY,
  body   TEXT NOT NULL
)
`;
