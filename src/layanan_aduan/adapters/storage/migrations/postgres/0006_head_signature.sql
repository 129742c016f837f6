-- layanan-aduan storage schema, version 6 (PostgreSQL): the signature of each report's head
-- (office, report id, version and head hash) by the desk's key, and the id of that key, beside
-- the head hash. The key itself is never stored here: a rewrite by someone with database access
-- only no longer verifies. Reports stored before this version have no signature until the
-- operator signs their current heads (layanan-aduan tandatangani-ulang).

ALTER TABLE reports ADD COLUMN head_signature text;
ALTER TABLE reports ADD COLUMN head_key_id text;
