-- layanan-aduan storage schema, version 13 (SQLite): the officer console's failed logins per
-- staff id, so that the lock-out after repeated failures holds in every process that serves
-- the console. Rows older than the lock-out window are deleted as new failures come.

CREATE TABLE console_login_failures (
    failure_id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX console_login_failures_staff ON console_login_failures (staff_id, failed_at);
CREATE INDEX console_login_failures_at ON console_login_failures (failed_at);
