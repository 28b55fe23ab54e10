-- The ids (jti) of the portal sign-in tokens used (portal.rs), until they
-- expire: the same token never signs in twice.
CREATE TABLE portal_tokens (
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    jti TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, jti)
);
CREATE INDEX portal_tokens_expiry ON portal_tokens(expires_at);
