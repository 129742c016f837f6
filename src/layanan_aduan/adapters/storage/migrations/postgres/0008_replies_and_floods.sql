-- layanan-aduan storage schema, version 8 (PostgreSQL): replies and floods.
-- An outbox message keeps the channel's id for it once sent (WhatsApp's wamid), so a reply that
-- names it (context.id) finds the message it answers: an office's lookup by that id is indexed.
-- An inbox entry keeps an opaque key of its sender (a digest, never the number) and whether it
-- was taken while the sender flooded, so a sender's recent messages are counted by an index.

ALTER TABLE outbox ADD COLUMN provider_message_id text;
CREATE INDEX outbox_provider_message ON outbox (office, provider_message_id)
    WHERE provider_message_id IS NOT NULL;

ALTER TABLE inbox ADD COLUMN sender text;
ALTER TABLE inbox ADD COLUMN throttled boolean NOT NULL DEFAULT false;
CREATE INDEX inbox_sender ON inbox (office, sender, received_at) WHERE sender IS NOT NULL;
