//! A marketplace's policy: its settings, their version, and the record of
//! every change.

use chrono::{DateTime, Utc};
use claimdesk_shared::wire::{FieldChange, Policy, PolicyChange, PolicySettings};

use super::{column, json_column, Db, Tx};
use crate::error::AppResult;

#[derive(sqlx::FromRow)]
struct PolicyRow {
    merchant_reasons: String,
    first_response_hours: i64,
    follow_up_hours: i64,
    high_value_threshold_minor: i64,
    high_value_extension_hours: i64,
    auto_refund_cap_minor: i64,
    reporting_window_days: i64,
    rating_target_percent: i64,
    rating_warning_percent: i64,
    currency: String,
    policy_version: i64,
}

const POLICY_COLUMNS: &str = "SELECT merchant_reasons, first_response_hours, follow_up_hours,
        high_value_threshold_minor, high_value_extension_hours, auto_refund_cap_minor,
        reporting_window_days, rating_target_percent, rating_warning_percent, currency,
        policy_version
     FROM marketplaces WHERE id = $1";

impl PolicyRow {
    fn settings(&self) -> AppResult<PolicySettings> {
        Ok(PolicySettings {
            merchant_reasons: self
                .merchant_reasons
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| column(r, "merchant reason"))
                .collect::<AppResult<_>>()?,
            first_response_hours: self.first_response_hours,
            follow_up_hours: self.follow_up_hours,
            high_value_threshold_minor: self.high_value_threshold_minor,
            high_value_extension_hours: self.high_value_extension_hours,
            auto_refund_cap_minor: self.auto_refund_cap_minor,
            reporting_window_days: self.reporting_window_days,
            rating_target_percent: self.rating_target_percent,
            rating_warning_percent: self.rating_warning_percent,
        })
    }
}

/// Marketplace `marketplace_id`'s policy with its latest 20 changes.
pub async fn load(db: &Db, marketplace_id: i64) -> AppResult<Policy> {
    let row: PolicyRow = sqlx::query_as(POLICY_COLUMNS)
        .bind(marketplace_id)
        .fetch_one(db)
        .await?;
    let changes: Vec<(String, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT u.name, pc.changed_at, pc.changes FROM policy_changes pc
         JOIN users u ON u.id = pc.changed_by WHERE pc.marketplace_id = $1
         ORDER BY pc.id DESC LIMIT 20",
    )
    .bind(marketplace_id)
    .fetch_all(db)
    .await?;
    Ok(Policy {
        settings: row.settings()?,
        currency: row.currency,
        version: row.policy_version,
        changes: changes
            .into_iter()
            .map(|(changed_by, changed_at, fields)| {
                Ok(PolicyChange {
                    changed_by,
                    changed_at,
                    fields: json_column(&fields)?,
                })
            })
            .collect::<AppResult<_>>()?,
    })
}

impl Tx {
    /// The settings of marketplace `marketplace_id`, if it is at `version`
    /// (under this write's lock).
    pub async fn policy_at(
        &mut self,
        marketplace_id: i64,
        version: i64,
    ) -> AppResult<Option<PolicySettings>> {
        let row: PolicyRow = sqlx::query_as(POLICY_COLUMNS)
            .bind(marketplace_id)
            .fetch_one(&mut *self.0)
            .await?;
        if row.policy_version != version {
            return Ok(None);
        }
        row.settings().map(Some)
    }

    /// Stores `settings` as the policy, moves its version and records who
    /// changed which `fields`.
    pub async fn store_policy(
        &mut self,
        marketplace_id: i64,
        settings: &PolicySettings,
        changed_by: i64,
        fields: &[FieldChange],
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let reasons: Vec<&str> = settings
            .merchant_reasons
            .iter()
            .map(|r| r.as_str())
            .collect();
        sqlx::query(
            "UPDATE marketplaces SET merchant_reasons = $1, first_response_hours = $2,
                follow_up_hours = $3, high_value_threshold_minor = $4, high_value_extension_hours = $5,
                auto_refund_cap_minor = $6, reporting_window_days = $7, rating_target_percent = $8,
                rating_warning_percent = $9, policy_version = policy_version + 1
             WHERE id = $10",
        )
        .bind(reasons.join(","))
        .bind(settings.first_response_hours)
        .bind(settings.follow_up_hours)
        .bind(settings.high_value_threshold_minor)
        .bind(settings.high_value_extension_hours)
        .bind(settings.auto_refund_cap_minor)
        .bind(settings.reporting_window_days)
        .bind(settings.rating_target_percent)
        .bind(settings.rating_warning_percent)
        .bind(marketplace_id)
        .execute(&mut *self.0)
        .await?;
        sqlx::query(
            "INSERT INTO policy_changes (marketplace_id, changed_by, changes, changed_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(marketplace_id)
        .bind(changed_by)
        .bind(
            serde_json::to_string(fields)
                .map_err(|e| crate::error::AppError::Internal(e.into()))?,
        )
        .bind(now)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    /// The open cases of marketplace `marketplace_id` whose clock may run.
    pub async fn open_case_ids(&mut self, marketplace_id: i64) -> AppResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM cases WHERE marketplace_id = $1 AND status NOT IN ('resolved', 'rejected')",
        )
        .bind(marketplace_id)
        .fetch_all(&mut *self.0)
        .await?)
    }
}
