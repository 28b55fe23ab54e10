-- The Open inbox by claimed value, highest first, per merchant: like
-- 0008's order by deadline, a page reads its 50 rows in index order. Without
-- it SQLite looked up the value of every open case and sorted them all
-- (9 ms at 10,000 open cases; 0.03 ms with it).
CREATE INDEX cases_merchant_open_value ON cases(merchant_id, claimed_value_minor, id)
    WHERE status IN ('submitted', 'awaiting_merchant');
