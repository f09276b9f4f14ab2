export const name = 'sending';
export const sql = `
CREATE TABLE sends (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at      INTEGER NOT NULL,
  stream          TEXT NOT NULL,
  domain_name     TEXT NOT NULL,
  source          TEXT NOT NULL,
  mail            TEXT NOT NULL,
  open_tracking   INTEGER NOT NULL,
  click_tracking  INTEGER NOT NULL
);
CREATE TABLE send_attachments (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  send_id       INTEGER NOT NULL,
  position      INTEGER NOT NULL,
  filename      TEXT NOT NULL,
  type          TEXT,
  disposition   TEXT,
  content_id    TEXT,
  size          INTEGER NOT NULL,
  content       TEXT NOT NULL
);
CREATE INDEX send_attachments_send ON send_attachments (send_id, position);
CREATE TABLE messages (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  send_id     INTEGER NOT NULL,
  email       TEXT NOT NULL,
  kind        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX messages_email ON messages (email, seq);
CREATE TABLE scheduled_events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  due_at   INTEGER NOT NULL,
  payload  TEXT NOT NULL
);
CREATE INDEX scheduled_events_due ON scheduled_events (due_at, id);
CREATE TABLE suppressions (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  type             TEXT NOT NULL,
  email            TEXT NOT NULL,
  domain_name      TEXT NOT NULL,
  sending_stream   TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  message_id       TEXT,
  bounce_category  TEXT,
  esp_response     TEXT,
  UNIQUE (domain_name, email)
);
`;
