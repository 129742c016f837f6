-- layanan-aduan storage schema, version 9 (PostgreSQL): the webhook bodies a service received,
-- kept exactly as they came (their signature was checked on receipt) until they are ingested. A
-- body is stored before the endpoint answers 200, so a crash after the answer loses nothing: the
-- service ingests every unprocessed body when it starts.

CREATE TABLE received_webhooks (
    webhook_id bigserial PRIMARY KEY,
    route text NOT NULL,
    received_at timestamptz NOT NULL,
    body bytea NOT NULL,
    processed_at timestamptz
);
CREATE INDEX received_webhooks_unprocessed ON received_webhooks (webhook_id)
    WHERE processed_at IS NULL;
