-- Where a merchant's returns go (the return label's "To"), and the label
-- made for each case approved with a return label: made once, on the
-- customer's first request, and the same file ever after.
ALTER TABLE merchants ADD COLUMN return_address TEXT NOT NULL DEFAULT '';
CREATE TABLE return_labels (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    created_at TEXT NOT NULL
);
