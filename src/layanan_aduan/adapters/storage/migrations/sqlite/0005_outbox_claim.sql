-- layanan-aduan storage schema, version 5 (SQLite): each lease on an outbox message carries
-- a claim token, so a dispatcher can renew or release only the lease it holds (a conditional
-- update on the token) and never one that another dispatcher took after its own ran out.

ALTER TABLE outbox ADD COLUMN claim_token TEXT;
