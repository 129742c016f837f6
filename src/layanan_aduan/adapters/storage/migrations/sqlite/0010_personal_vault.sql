-- layanan-aduan storage schema, version 10 (SQLite): personal data kept apart from the events.
-- Each event's personal values (the reporter's identity and words, the staff's free texts) sit
-- in one vault entry, sealed by the storage's field cipher (AES-GCM when a personal-data key is
-- configured) for its report and seq; the event itself holds a salted commitment, which its hash
-- covers. Erasing a report's personal data deletes its entries: the history still verifies.
-- key_id names the key an entry is sealed with, so a key rotation finds what to re-seal.
-- report_evidence lists the evidence files each report's vault names, so that erasing one
-- report deletes only the files no other report holds.
-- From this version reports.reporter_phone and reports.reporter_user_id hold blind indexes
-- (keyed HMACs); rows written before hold the values until they are re-indexed.

CREATE TABLE report_personal (
    report_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    sealed TEXT NOT NULL,
    key_id TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE INDEX report_personal_key ON report_personal (key_id);

CREATE TABLE report_evidence (
    report_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, sha256)
) WITHOUT ROWID;
CREATE INDEX report_evidence_sha256 ON report_evidence (sha256);

-- The instant the SLA clock stopped (step 5, or closing), so that a later annotation (a rating,
-- an erasure) moving updated_at does not make a follow-up on time read as late.
ALTER TABLE reports ADD COLUMN sla_stopped_at TEXT;
