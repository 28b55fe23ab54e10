-- The rest of a marketplace's policy, editable by its support team
-- (PRODUCT.md §5): the business hours each response gets, the extension
-- above the high-value threshold, and the satisfaction targets; with a
-- version (two editors get a conflict) and every change recorded.
ALTER TABLE marketplaces ADD COLUMN first_response_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE marketplaces ADD COLUMN follow_up_hours INTEGER NOT NULL DEFAULT 72;
ALTER TABLE marketplaces ADD COLUMN high_value_extension_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE marketplaces ADD COLUMN rating_target_percent INTEGER NOT NULL DEFAULT 85;
ALTER TABLE marketplaces ADD COLUMN rating_warning_percent INTEGER NOT NULL DEFAULT 80;
ALTER TABLE marketplaces ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE policy_changes (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    changed_by INTEGER NOT NULL REFERENCES users(id),
    -- JSON: {"field": {"from": …, "to": …}, …}
    changes TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX policy_changes_marketplace ON policy_changes (marketplace_id, id);
