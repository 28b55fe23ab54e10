-- A session also ends after a while without use (12 hours by default),
-- renewed while it is used, besides its absolute expiry (30 days).
-- Sessions from before have none: they end at their absolute expiry.
ALTER TABLE sessions ADD COLUMN idle_expires_at TEXT;
