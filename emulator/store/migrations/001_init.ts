export const name = 'init';
export const sql = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE domains (
  id                            INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_name                   TEXT NOT NULL UNIQUE,
  created_at                    INTEGER NOT NULL,
  open_tracking_enabled         INTEGER NOT NULL DEFAULT 1,
  click_tracking_enabled        INTEGER NOT NULL DEFAULT 1,
  tracking_opt_out_enabled      INTEGER NOT NULL DEFAULT 0,
  auto_unsubscribe_link_enabled INTEGER NOT NULL DEFAULT 0,
  inbound_enabled               INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE webhooks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  url             TEXT NOT NULL,
  active          INTEGER NOT NULL,
  webhook_type    TEXT NOT NULL,
  payload_format  TEXT NOT NULL,
  sending_stream  TEXT,
  domain_id       INTEGER,
  event_types     TEXT NOT NULL,
  signing_secret  TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
`;
