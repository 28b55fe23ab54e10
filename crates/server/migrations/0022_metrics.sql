-- The merchant dashboards and support's ranking (store/metrics.rs) count
-- over a window of time per merchant or per marketplace: each figure gets
-- the index of its range.
CREATE INDEX cases_merchant_rated ON cases(merchant_id, rated_at) WHERE rating IS NOT NULL;
CREATE INDEX cases_marketplace_rated ON cases(marketplace_id, rated_at) WHERE rating IS NOT NULL;
CREATE INDEX cases_marketplace_created ON cases(marketplace_id, created_at);
CREATE INDEX orders_merchant_delivered ON orders(merchant_id, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX orders_marketplace_delivered ON orders(marketplace_id, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX sla_responses_marketplace ON sla_responses(marketplace_id, settled_at);
