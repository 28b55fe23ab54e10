-- Why the platform has a case (support's inboxes split on it): a reason
-- the marketplace keeps ('routed'), a response time run out above the
-- auto-refund cap ('escalated'), or a rejection the customer disputed
-- ('disputed'). NULL while the merchant handles the case.
ALTER TABLE cases ADD COLUMN platform_reason TEXT
    CHECK (platform_reason IN ('routed', 'escalated', 'disputed'));
UPDATE cases SET platform_reason = 'routed' WHERE handler = 'platform';
-- When the customer rated the support (`rating`: 1 up, 0 down, with
-- `rating_comment`); they may change it for 7 days.
ALTER TABLE cases ADD COLUMN rated_at TEXT;
UPDATE cases SET rated_at = COALESCE(closed_at, updated_at) WHERE rating IS NOT NULL;
-- Support's inboxes list the platform's cases by why it has them.
CREATE INDEX cases_platform_reason ON cases (marketplace_id, platform_reason, created_at)
    WHERE status = 'platform_review';
