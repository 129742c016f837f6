-- layanan-aduan storage schema, version 1 (SQLite).
-- Instants are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (fixed width: text order is time order).
-- Events and payloads are canonical JSON text, kept byte for byte (the history's hashes cover them).

CREATE TABLE reports (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL CHECK (version >= 1),
    state TEXT NOT NULL,
    number TEXT UNIQUE,
    office TEXT,
    reporter_phone TEXT,
    reporter_user_id TEXT,
    received_at TEXT,
    head_hash TEXT,
    updated_at TEXT NOT NULL,
    sla_deadline TEXT,
    sla_at_risk_from TEXT,
    sla_breached_from TEXT,
    sla_paused INTEGER NOT NULL CHECK (sla_paused IN (0, 1)),
    sla_stopped INTEGER NOT NULL CHECK (sla_stopped IN (0, 1))
);
CREATE INDEX reports_state ON reports (state, position);
CREATE INDEX reports_office ON reports (office, position);
CREATE INDEX reports_reporter_phone ON reports (reporter_phone) WHERE reporter_phone IS NOT NULL;
CREATE INDEX reports_reporter_user_id ON reports (reporter_user_id)
    WHERE reporter_user_id IS NOT NULL;
CREATE INDEX reports_sla_at_risk ON reports (sla_at_risk_from) WHERE sla_at_risk_from IS NOT NULL;
CREATE INDEX reports_sla_breached ON reports (sla_breached_from)
    WHERE sla_breached_from IS NOT NULL;

CREATE TABLE report_events (
    report_id TEXT NOT NULL REFERENCES reports (report_id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    payload TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

CREATE TABLE report_counters (
    office TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL CHECK (last_value >= 1),
    PRIMARY KEY (office, year)
) WITHOUT ROWID;

CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    report_id TEXT,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, position) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (position) WHERE status = 'dead';

CREATE TABLE inbox (
    message_id TEXT PRIMARY KEY,
    report_id TEXT,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
