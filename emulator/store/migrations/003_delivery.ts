export const name = 'delivery';
/**
 * Delivery state (SPEC §5): events queued per webhook until the next flush, the batches made from
 * them (body fixed at creation, identical on every attempt), the events of each batch (for
 * filters), and every attempt. `next_attempt_at` is what a restart reschedules from.
 */
export const sql = `
CREATE TABLE delivery_queue (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id    INTEGER NOT NULL,
  event_row_id  INTEGER NOT NULL,
  queued_at     INTEGER NOT NULL
);
CREATE INDEX delivery_queue_webhook ON delivery_queue (webhook_id, id);
CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT NOT NULL,
  webhook_id       INTEGER NOT NULL,
  webhook_url      TEXT NOT NULL,
  status           TEXT NOT NULL,
  payload_format   TEXT NOT NULL,
  event_count      INTEGER NOT NULL,
  event_types      TEXT NOT NULL,
  message_ids      TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  attempt_count    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  last_status      INTEGER,
  last_error       TEXT,
  body             TEXT NOT NULL,
  source_id        INTEGER
);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_status ON deliveries (status, id);
CREATE TABLE delivery_events (
  delivery_id  INTEGER NOT NULL,
  event_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  email        TEXT NOT NULL
);
CREATE INDEX delivery_events_delivery ON delivery_events (delivery_id);
CREATE INDEX delivery_events_message ON delivery_events (message_id);
CREATE INDEX delivery_events_email ON delivery_events (email);
CREATE INDEX delivery_events_type ON delivery_events (type);
CREATE TABLE delivery_attempts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id       INTEGER NOT NULL,
  number            INTEGER NOT NULL,
  started_at        INTEGER NOT NULL,
  duration_ms       INTEGER NOT NULL,
  request_url       TEXT NOT NULL,
  request_headers   TEXT NOT NULL,
  response_status   INTEGER,
  response_headers  TEXT,
  response_body     TEXT,
  response_truncated INTEGER NOT NULL DEFAULT 0,
  error             TEXT,
  ok                INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, number)
`;
