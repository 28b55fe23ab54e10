-- How many days after delivery a customer may report a problem with an
-- order (the marketplace's policy, PRODUCT.md §5): 30 unless set. An order
-- not delivered yet may always be reported (it may be missing).
ALTER TABLE marketplaces ADD COLUMN reporting_window_days INTEGER NOT NULL DEFAULT 30
    CHECK (reporting_window_days > 0);
