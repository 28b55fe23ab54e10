-- The merchant dashboards and support's ranking (store/metrics.rs) count
-- over a window of time per merchant or per marketplace: each figure gets
-- the index of its range.
CREATE INDEX cases_merchant_rated ON cases(merchant_id, rated_at) WHERE rating IS NOT NULL;
CREATE INDEX cases_marketplace_rated ON cases(marketplace_id, rated_at) WHERE rating IS NOT NULL;
CREATE INDEX cases_marketplace_created ON cases(marketplace_id, created_at, merchant_id, kind);
CREATE INDEX orders_merchant_delivered ON orders(merchant_id, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX orders_marketplace_delivered ON orders(marketplace_id, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX sla_responses_marketplace ON sla_responses(marketplace_id, settled_at);
-- Cases reported in a window, with what the dashboard counts of them
-- (kind, reason), read from the index alone; automatic refunds by when
-- they closed the case; order lines' products for the top products.
CREATE INDEX cases_merchant_created_kind ON cases(merchant_id, created_at, kind, reason);
CREATE INDEX cases_merchant_auto_refunded ON cases(merchant_id, closed_at) WHERE outcome = 'auto_refund';
CREATE INDEX order_lines_sku ON order_lines(id, sku);
