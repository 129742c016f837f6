-- layanan-aduan storage schema, version 1 (PostgreSQL).
-- Events and payloads are canonical JSON kept as text, byte for byte (the history's hashes
-- cover them; jsonb would reorder keys and normalise numbers).

CREATE TABLE reports (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id text NOT NULL UNIQUE,
    version integer NOT NULL CHECK (version >= 1),
    state text NOT NULL,
    number text UNIQUE,
    office text,
    reporter_phone text,
    reporter_user_id text,
    received_at timestamptz,
    head_hash text,
    updated_at timestamptz NOT NULL,
    sla_deadline timestamptz,
    sla_at_risk_from timestamptz,
    sla_breached_from timestamptz,
    sla_paused boolean NOT NULL,
    sla_stopped boolean NOT NULL
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
    report_id text NOT NULL REFERENCES reports (report_id),
    seq integer NOT NULL CHECK (seq >= 1),
    payload text NOT NULL,
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE report_counters (
    office text NOT NULL,
    year integer NOT NULL,
    last_value integer NOT NULL CHECK (last_value >= 1),
    PRIMARY KEY (office, year)
);

CREATE TABLE outbox (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL UNIQUE,
    report_id text,
    payload text NOT NULL,
    created_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts integer NOT NULL CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    claimed_until timestamptz,
    last_error text,
    sent_at timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, position) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (position) WHERE status = 'dead';

CREATE TABLE inbox (
    message_id text PRIMARY KEY,
    report_id text,
    received_at timestamptz NOT NULL
);
