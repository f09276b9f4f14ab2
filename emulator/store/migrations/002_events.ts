export const name = 'events';
export const sql = `
CREATE TABLE events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  type         TEXT NOT NULL,
  email        TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL,
  payload      TEXT NOT NULL
);
CREATE INDEX events_message_id ON events (message_id);
CREATE INDEX events_email ON events (email);
CREATE INDEX events_type ON events (type, id);
CREATE INDEX events_event_id ON events (event_id);
`;
