-- layanan-aduan storage schema, version 2 (PostgreSQL): every row belongs to one office.
-- Outbox messages and inbox entries record the office whose desk made them (rows written before
-- this version take their report's office); the office's listings and SLA sweeps read indexes
-- that lead with the office, so one office's queries cost the same however many share the file.

ALTER TABLE outbox ADD COLUMN office text;
ALTER TABLE inbox ADD COLUMN office text;
UPDATE outbox SET office = (SELECT r.office FROM reports r WHERE r.report_id = outbox.report_id)
    WHERE report_id IS NOT NULL;
UPDATE inbox SET office = (SELECT r.office FROM reports r WHERE r.report_id = inbox.report_id)
    WHERE report_id IS NOT NULL;

CREATE INDEX reports_office_state ON reports (office, state, position);
DROP INDEX reports_sla_at_risk;
DROP INDEX reports_sla_breached;
CREATE INDEX reports_sla_at_risk ON reports (office, sla_at_risk_from)
    WHERE sla_at_risk_from IS NOT NULL;
CREATE INDEX reports_sla_breached ON reports (office, sla_breached_from)
    WHERE sla_breached_from IS NOT NULL;
DROP INDEX outbox_due;
DROP INDEX outbox_dead;
CREATE INDEX outbox_due ON outbox (office, next_attempt_at, position) WHERE status = 'pending';
CREATE INDEX outbox_office ON outbox (office, status, position);
