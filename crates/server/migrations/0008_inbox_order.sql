-- The Open inbox in its own order (soonest deadline first), per merchant and
-- per marketplace (support): walked in index order, a page of 50 reads 50
-- rows instead of sorting every open case. Partial: only cases whose clock
-- runs are in it, which are exactly the Open inbox's.
CREATE INDEX cases_merchant_open_due ON cases(merchant_id, due_at, created_at, id)
    WHERE status IN ('submitted', 'awaiting_merchant');
CREATE INDEX cases_marketplace_open_due ON cases(marketplace_id, due_at, created_at, id)
    WHERE status IN ('submitted', 'awaiting_merchant');
-- Every other inbox, newest first.
CREATE INDEX cases_merchant_created ON cases(merchant_id, created_at, id);
