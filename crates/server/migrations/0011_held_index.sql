-- The cases an agent holds (the held-by-me inbox and its count): without
-- it both walked every case of the merchant (8 ms each at 10,000 open
-- cases, BENCHMARKS.md). Partial: most cases are held by no one.
CREATE INDEX cases_held ON cases(held_by, created_at, id) WHERE held_by IS NOT NULL;
