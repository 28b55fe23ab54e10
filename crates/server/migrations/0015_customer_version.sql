-- What the customer sees of a case changes less often than the case: a
-- note, a hold or a drafted decision is the desk's alone. `customer_version`
-- and `customer_updated_at` move only with changes the customer can see, so
-- neither their copy of the case nor their event stream tells them when the
-- desk works on it internally (domain/case_write.rs). Customers' writes claim
-- this version; the desk's claim `version`, which every change moves.
ALTER TABLE cases ADD COLUMN customer_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN customer_updated_at TEXT;
UPDATE cases SET customer_version = version, customer_updated_at = updated_at;
