//! Changing a marketplace's policy (its support team only): every field
//! checked with a field error, a stale version refused, the change
//! recorded with who made it, and the open cases' response clocks
//! recomputed in the same transaction, so every inbox and deadline follows
//! at once.

use claimdesk_shared::wire::{FieldChange, FieldError, PolicyInput, PolicySettings};

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Tx;
use crate::user::CurrentUser;

/// The checks of a policy, field by field.
pub fn check(settings: &PolicySettings) -> AppResult<()> {
    let mut errors = Vec::new();
    let mut range = |field: &str, value: i64, min: i64, max: i64| {
        if !(min..=max).contains(&value) {
            errors.push(FieldError {
                field: field.to_owned(),
                code: "out_of_range".to_owned(),
                message: format!("from {min} to {max}"),
            });
        }
    };
    range(
        "first_response_hours",
        settings.first_response_hours,
        1,
        720,
    );
    range("follow_up_hours", settings.follow_up_hours, 1, 720);
    range(
        "high_value_extension_hours",
        settings.high_value_extension_hours,
        0,
        720,
    );
    range(
        "high_value_threshold_minor",
        settings.high_value_threshold_minor,
        0,
        1_000_000_000,
    );
    range(
        "auto_refund_cap_minor",
        settings.auto_refund_cap_minor,
        0,
        1_000_000_000,
    );
    range(
        "reporting_window_days",
        settings.reporting_window_days,
        1,
        365,
    );
    range(
        "rating_target_percent",
        settings.rating_target_percent,
        1,
        100,
    );
    range(
        "rating_warning_percent",
        settings.rating_warning_percent,
        0,
        100,
    );
    if settings.rating_warning_percent > settings.rating_target_percent {
        errors.push(FieldError {
            field: "rating_warning_percent".to_owned(),
            code: "out_of_range".to_owned(),
            message: "the warning level is at most the target".to_owned(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    if settings.merchant_reasons.iter().any(|r| !seen.insert(*r)) {
        errors.push(FieldError {
            field: "merchant_reasons".to_owned(),
            code: "duplicate".to_owned(),
            message: "each reason once".to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What differs between `before` and `after`, field by field.
pub fn differences(before: &PolicySettings, after: &PolicySettings) -> Vec<FieldChange> {
    let reasons = |s: &PolicySettings| {
        s.merchant_reasons
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let fields: [(&str, String, String); 9] = [
        ("merchant_reasons", reasons(before), reasons(after)),
        (
            "first_response_hours",
            before.first_response_hours.to_string(),
            after.first_response_hours.to_string(),
        ),
        (
            "follow_up_hours",
            before.follow_up_hours.to_string(),
            after.follow_up_hours.to_string(),
        ),
        (
            "high_value_threshold_minor",
            before.high_value_threshold_minor.to_string(),
            after.high_value_threshold_minor.to_string(),
        ),
        (
            "high_value_extension_hours",
            before.high_value_extension_hours.to_string(),
            after.high_value_extension_hours.to_string(),
        ),
        (
            "auto_refund_cap_minor",
            before.auto_refund_cap_minor.to_string(),
            after.auto_refund_cap_minor.to_string(),
        ),
        (
            "reporting_window_days",
            before.reporting_window_days.to_string(),
            after.reporting_window_days.to_string(),
        ),
        (
            "rating_target_percent",
            before.rating_target_percent.to_string(),
            after.rating_target_percent.to_string(),
        ),
        (
            "rating_warning_percent",
            before.rating_warning_percent.to_string(),
            after.rating_warning_percent.to_string(),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, from, to)| from != to)
        .map(|(field, from, to)| FieldChange {
            field: field.to_owned(),
            from,
            to,
        })
        .collect()
}

/// Support changes its marketplace's policy. A change of nothing changes
/// nothing (no version, no record).
pub async fn change(state: &AppState, user: &CurrentUser, input: &PolicyInput) -> AppResult<()> {
    check(&input.settings)?;
    let now = state.now();
    let marketplace = user.marketplace_id;
    let mut tx = Tx::begin(&state.writer).await?;
    let Some(before) = tx.policy_at(marketplace, input.version).await? else {
        return Err(AppError::conflict(
            "stale-version",
            "the policy changed since you loaded it; reload it",
        ));
    };
    let fields = differences(&before, &input.settings);
    if fields.is_empty() {
        return Ok(());
    }
    tx.store_policy(marketplace, &input.settings, user.id, &fields, now)
        .await?;
    // The new hours and thresholds apply to the open cases at once.
    for id in tx.open_case_ids(marketplace).await? {
        crate::sla::clock::refresh(&mut tx, id, now, false).await?;
    }
    tx.commit().await?;
    // Inbox pages sorted or filtered by the old clocks are stale.
    state.pages.clear();
    Ok(())
}
