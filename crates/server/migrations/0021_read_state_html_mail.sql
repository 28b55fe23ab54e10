-- When the other side first read a message: the customer a message of the
-- desk's, anyone at the desk a message of the customer's. NULL: not yet.
ALTER TABLE messages ADD COLUMN read_at TEXT;

-- Every email has an HTML part beside its text (`body`); NULL for those
-- queued before, which go out as text only.
ALTER TABLE outbox ADD COLUMN html_body TEXT;
