-- layanan-aduan storage schema, version 9 (SQLite): the webhook bodies a service received, kept
-- exactly as they came (their signature was checked on receipt) until they are ingested. A body
-- is stored before the endpoint answers 200, so a crash after the answer loses nothing: the
-- service ingests every unprocessed body when it starts.

CREATE TABLE received_webhooks (
    webhook_id INTEGER PRIMARY KEY AUTOINCREMENT,
    route TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body BLOB NOT NULL,
    processed_at TEXT
);
CREATE INDEX received_webhooks_unprocessed ON received_webhooks (webhook_id)
    WHERE processed_at IS NULL;
