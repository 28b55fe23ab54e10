-- Working a case: decisions, attachments on messages and notes, retries that
-- must not do anything twice, and the outbox of notification emails.

-- What the desk decided: the amount refunded so far, the reason a rejection
-- gives the customer, the instructions sent with a replacement or return.
ALTER TABLE cases ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN decision_note TEXT;
ALTER TABLE cases ADD COLUMN closed_at TEXT;

CREATE TABLE message_attachments (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (message_id, attachment_id)
);

CREATE TABLE note_attachments (
    note_id INTEGER NOT NULL REFERENCES notes(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (note_id, attachment_id)
);

-- The first answer to each (user, Idempotency-Key): a retry gets it back
-- instead of doing the work again.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Every notification, stored in the transaction that caused it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    recipient TEXT NOT NULL,
    template TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- What caused it (e.g. "message:42"): the unique index makes a second
    -- send of the same notification impossible.
    cause TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
