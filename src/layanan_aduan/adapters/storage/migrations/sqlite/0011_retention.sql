-- layanan-aduan storage schema, version 11 (SQLite): retention and the subject's rights.
-- A report's notifications are found by an index (outbox.report_id, in the order put), not by
-- paging the whole outbox: the evidence pack and a subject access export read them. Each run of
-- the retention job (dry or not) is recorded in retention_runs: when it started and finished
-- (the clock port's instants), who ran it, the policy it applied, what it counted, and the
-- reports it erased (ids and numbers only, never personal data), as JSON.

CREATE INDEX outbox_report ON outbox (report_id, position) WHERE report_id IS NOT NULL;

CREATE TABLE retention_runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    office TEXT,
    dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    policy TEXT NOT NULL,
    counts TEXT NOT NULL,
    reports TEXT NOT NULL
);
CREATE INDEX retention_runs_office ON retention_runs (office, run_id);
