-- Failed sign-ins of the last quarter hour, by the account tried (the
-- email as typed, trimmed and lower-cased, whether or not it exists) and by
-- the client address. Kept in the database, not in memory, so that several
-- server instances count the same failures (auth::sign_in_limits).
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    address TEXT,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);
