-- Saved answers with placeholders, per merchant (or, with no merchant, for
-- the marketplace's support team).
CREATE TABLE quick_texts (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    merchant_id INTEGER REFERENCES merchants(id),
    title TEXT NOT NULL,
    locale TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX quick_texts_owner ON quick_texts(marketplace_id, merchant_id);
