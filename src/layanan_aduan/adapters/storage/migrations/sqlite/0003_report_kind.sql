-- layanan-aduan storage schema, version 3 (SQLite): the report's kind beside its projection, so a
-- listing can filter on it. Reports stored before this version take it from their first event.

ALTER TABLE reports ADD COLUMN kind TEXT;
UPDATE reports SET kind = (
    SELECT json_extract(e.payload, '$.payload.kind') FROM report_events e
    WHERE e.report_id = reports.report_id AND e.seq = 1
);
