-- The response clock, kept on the case so inboxes can sort and filter by it
-- and the breach sweep finds what is due through an index instead of
-- recomputing every open case each minute. Recomputed (sla::clock::refresh)
-- in the same transaction as every status change.
ALTER TABLE cases ADD COLUMN clock_response TEXT;      -- 'first' | 'follow_up'; NULL when nothing is due
ALTER TABLE cases ADD COLUMN clock_started_at TEXT;    -- when that response's clock started
ALTER TABLE cases ADD COLUMN due_at TEXT;              -- when it runs out; NULL while paused
CREATE INDEX cases_merchant_due ON cases(merchant_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_due ON cases(due_at) WHERE due_at IS NOT NULL;

-- One row per response the clock waited for, once it is settled: answered
-- (in time or late) or breached. The metrics read it.
CREATE TABLE sla_responses (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    response TEXT NOT NULL,
    started_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    settled_at TEXT NOT NULL,
    -- 1 when the merchant answered by the due time.
    met INTEGER NOT NULL,
    UNIQUE (case_id, started_at)
);
CREATE INDEX sla_responses_merchant ON sla_responses(merchant_id, settled_at);
