-- Prepared decisions (the "concept": drafted, not sent; sent later alone or
-- in one bulk send) and proposals the customer may accept.

-- The prepared decision as JSON ({kind, amount_minor, note, lines}), who
-- prepared it and when. `cases.prepared` (0001) is 1 exactly while one is
-- set, so the Prepared view can walk a partial index.
ALTER TABLE cases ADD COLUMN prepared_decision TEXT;
ALTER TABLE cases ADD COLUMN prepared_by INTEGER REFERENCES users(id);
ALTER TABLE cases ADD COLUMN prepared_at TEXT;
CREATE INDEX cases_merchant_prepared ON cases(merchant_id, created_at, id) WHERE prepared = 1;

-- The desk's open proposal: the offer as the customer reads it, the refund
-- accepting it pays (if any) and the lines it names (JSON), and when it was
-- made. NULL while no proposal is open.
ALTER TABLE cases ADD COLUMN proposal_note TEXT;
ALTER TABLE cases ADD COLUMN proposal_amount_minor INTEGER;
ALTER TABLE cases ADD COLUMN proposal_lines TEXT;
ALTER TABLE cases ADD COLUMN proposal_made_at TEXT;
