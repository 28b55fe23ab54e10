-- The customer chose a free exchange (a replacement) when reporting, rather
-- than a refund: the desk is told so at the top of the case.
ALTER TABLE cases ADD COLUMN free_exchange INTEGER NOT NULL DEFAULT 0;
