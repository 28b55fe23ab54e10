-- Delivery of the outbox over SMTP: a sender claims a row (sending_at) before
-- it sends, so two server instances never send the same email; a claim older
-- than ten minutes (a sender that died) may be taken again.
ALTER TABLE outbox ADD COLUMN sending_at TEXT;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;
