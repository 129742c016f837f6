-- layanan-aduan storage schema, version 7 (SQLite): each projection records the fingerprint of
-- the working calendar its SLA instants were computed with. Rows stored before this version have
-- none (NULL): their calendar is unknown, and the desk re-projects them when it starts.

ALTER TABLE reports ADD COLUMN calendar_fingerprint TEXT;
CREATE INDEX reports_open_calendar ON reports (office, calendar_fingerprint, position)
    WHERE sla_stopped = 0;
