//! What the sweeps look for (`crate::sweeps`): cases whose time ran out.

use chrono::{DateTime, Utc};
use claimdesk_shared::PlatformReason;

use super::case_tx::CLEAR_PREPARED;
use super::{Db, Tx};
use crate::error::AppResult;

/// The cases awaiting the customer since at or before `since`, with their
/// versions.
pub async fn awaiting_customer_since(db: &Db, since: DateTime<Utc>) -> AppResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.version FROM cases c
         WHERE c.status = 'awaiting_customer'
           AND (SELECT MAX(e.created_at) FROM events e
                WHERE e.case_id = c.id AND e.kind = 'status_changed'
                  AND json_extract(e.data, '$.to') = 'awaiting_customer') <= $1
         ORDER BY c.id",
    )
    .bind(since)
    .fetch_all(db)
    .await?)
}

/// A case whose response clock runs out soon, with whom to warn.
#[derive(Debug, sqlx::FromRow)]
pub struct DueSoon {
    pub id: i64,
    pub due_at: DateTime<Utc>,
    /// The merchant's address, and its marketplace's language and zone.
    pub email: String,
    pub locale: String,
    pub time_zone: String,
}

/// The merchant's cases whose clock runs out after `after` and at or
/// before `until`, soonest first, with the deadline and whom to warn.
pub async fn due_between(
    db: &Db,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> AppResult<Vec<DueSoon>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.due_at, me.email, mk.locale, mk.time_zone
         FROM cases c JOIN merchants me ON me.id = c.merchant_id
         JOIN marketplaces mk ON mk.id = c.marketplace_id
         WHERE c.due_at > $1 AND c.due_at <= $2 AND c.status IN ('submitted', 'awaiting_merchant')
         ORDER BY c.due_at, c.id",
    )
    .bind(after)
    .bind(until)
    .fetch_all(db)
    .await?)
}

impl Tx {
    /// Case `case_id` goes to the platform for `reason`, which decides now:
    /// a decision the merchant prepared can no longer be sent.
    pub async fn hand_to_platform(
        &mut self,
        case_id: i64,
        reason: PlatformReason,
    ) -> AppResult<()> {
        sqlx::query(&format!(
            "UPDATE cases SET handler = 'platform', platform_reason = $1, {CLEAR_PREPARED} WHERE id = $2"
        ))
        .bind(reason.as_str())
        .bind(case_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }
}
