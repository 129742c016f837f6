-- layanan-aduan storage schema, version 7 (SQLite): each projection records the fingerprint of
-- the working calendar its SLA instants were computed with. Rows stored before this version have
-- none (NULL): their calendar is unknown, and the desk re-projects them when it starts.

ALTER TABLE reports ADD COLUMN calendar_fingerprint TEXT;
CREATE INDEX reports_open_calendar ON reports (office, calendar_fingerprint, position)
    WHERE sla_stopped = 0;

-- What the service did to a report without it being a step (a deadline re-projected with a new
-- calendar, and why): append-only JSON records beside the event stream.
CREATE TABLE report_audit (
    report_id TEXT NOT NULL REFERENCES reports (report_id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
