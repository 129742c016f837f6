-- layanan-aduan storage schema, version 12 (PostgreSQL): fewer pages written a step.
-- PostgreSQL's tables are heaps that already take new rows at their end, and their primary
-- keys on (report_id, seq) are separate indexes; only the index report_personal_key goes: no
-- query reads through it (the re-sealing and the per-key counts scan the vault, filtering on
-- key_id), and it cost an index page a step.

DROP INDEX report_personal_key;
