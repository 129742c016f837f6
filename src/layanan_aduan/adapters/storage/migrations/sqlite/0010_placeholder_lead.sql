-- layanan-aduan storage schema, version 10 (sqlite): TEMPORARY no-op placeholder on the h-rights
-- branch for the lead's migration 0010 (report_personal); removed when that one lands.
SELECT 1;
