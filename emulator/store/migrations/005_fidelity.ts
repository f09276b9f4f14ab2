/**
 * Issue 11: domains remember when DNS was verified (null: unverified; domains made before this
 * version were all verified, so they keep that); webhooks keep `inbound_inbox_id`; a suppression
 * is per domain, stream (`transactional`, `bulk` or `any`) and address, as Mailtrap keeps them,
 * so the old (domain, email) uniqueness is replaced (SQLite cannot drop a constraint: copy).
 */
export const name = 'fidelity';
export const sql = `
ALTER TABLE domains ADD COLUMN dns_verified_at INTEGER;
UPDATE domains SET dns_verified_at = created_at;
ALTER TABLE webhooks ADD COLUMN inbound_inbox_id INTEGER;
CREATE TABLE suppressions_v5 (
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
  UNIQUE (domain_name, email, sending_stream)
);
INSERT INTO suppressions_v5 (seq, id, type, email, domain_name, sending_stream, created_at, message_id, bounce_category, esp_response)
  SELECT seq, id, type, email, domain_name, sending_stream, created_at, message_id, bounce_category, esp_response FROM suppressions;
DROP TABLE suppressions;
ALTER TABLE suppressions_v5 RENAME TO suppressions;
CREATE INDEX suppressions_email ON suppressions (email, seq);
`;
