-- layanan-aduan storage schema, version 12 (SQLite): fewer pages written a step.
-- The event stream and the personal-data vault become rowid tables whose rows are appended in
-- the order they are written (a step's rows land on the last leaf page, which the report's
-- earlier steps have usually left in place), with a unique index on (report_id, seq) that
-- keeps refusing a second event (or vault entry) of one seq and answers every lookup by
-- report. Before, each was a table keyed by (report_id, seq) itself: a new row of several
-- hundred bytes went to a random leaf, which split and was rebalanced with its siblings about
-- every other step (3.4 pages written per event on a file of 1,000 reports).
-- The index report_personal_key is dropped: no query reads through it (the re-sealing and the
-- per-key counts scan the vault in key order, filtering on key_id), and it cost a page a step.

CREATE TABLE report_events_v12 (
    event_id INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports (report_id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    payload TEXT NOT NULL,
    UNIQUE (report_id, seq)
);
INSERT INTO report_events_v12 (report_id, seq, payload)
    SELECT report_id, seq, payload FROM report_events ORDER BY report_id, seq;
DROP TABLE report_events;
ALTER TABLE report_events_v12 RENAME TO report_events;

CREATE TABLE report_personal_v12 (
    entry_id INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    sealed TEXT NOT NULL,
    key_id TEXT NOT NULL,
    UNIQUE (report_id, seq)
);
INSERT INTO report_personal_v12 (report_id, seq, sealed, key_id)
    SELECT report_id, seq, sealed, key_id FROM report_personal ORDER BY report_id, seq;
DROP TABLE report_personal;
ALTER TABLE report_personal_v12 RENAME TO report_personal;
