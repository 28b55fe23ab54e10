//! What the desk decides, and the case's toggles: approve (refund,
//! replacement, return label), reject, return received, hold, free return.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use claimdesk_shared::wire::{
    CaseDetail, CaseToggles, Decision, DecisionKind, Problem, TakeHold, Versioned,
};
use claimdesk_shared::{CaseAction, EventKind, Outcome, Role};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::case_write::{CaseWrite, Recipient};
use crate::error::{ApiJson, ApiResult, AppError};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::cases::{load_detail, parse_case_id};
use crate::scope::Scope;
use crate::state::AppState;

/// The longest note a decision may carry.
const MAX_NOTE_CHARS: usize = 2_000;

/// Only merchant agents and support decide; to a customer these routes do not exist.
fn desk(user: &CurrentUser) -> ApiResult<()> {
    if user.role() == Role::Customer {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The checked parts of a decision: the status action, the outcome, the
/// amount refunded now, and the note for the customer.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub action: CaseAction,
    pub outcome: Outcome,
    pub refund_minor: i64,
    pub note: Option<String>,
}

/// Validates a decision against what the case claims and has refunded.
/// A refund is never more than what is left of the claimed value.
pub fn check(decision: &Decision, claimed_minor: i64, refunded_minor: i64) -> ApiResult<Checked> {
    let note = decision
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(AppError::field(
            "note",
            "too_long",
            format!("at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let left = claimed_minor - refunded_minor;
    Ok(match decision.kind {
        DecisionKind::Refund => {
            let amount = decision.amount_minor.unwrap_or(left);
            if amount <= 0 {
                return Err(AppError::field(
                    "amount_minor",
                    "out_of_range",
                    "refund a positive amount",
                ));
            }
            if amount > left {
                return Err(AppError::field(
                    "amount_minor",
                    "over_claimed",
                    format!("at most the claimed value still open: {left} (minor units)"),
                ));
            }
            Checked {
                action: CaseAction::ApproveAndClose,
                outcome: Outcome::Refund,
                refund_minor: amount,
                note,
            }
        }
        DecisionKind::Replacement => Checked {
            action: CaseAction::ApproveAndClose,
            outcome: Outcome::Replacement,
            refund_minor: 0,
            note,
        },
        DecisionKind::ReturnLabel => Checked {
            action: CaseAction::ApproveWithReturn,
            outcome: Outcome::ReturnLabel,
            refund_minor: 0,
            note,
        },
        DecisionKind::Reject => {
            let Some(note) = note else {
                return Err(AppError::field("note", "required", "tell the customer why"));
            };
            Checked {
                action: CaseAction::Reject,
                outcome: Outcome::Rejected,
                refund_minor: 0,
                note: Some(note),
            }
        }
    })
}

/// What the customer is told, by outcome.
fn customer_mail(
    outcome: Outcome,
    case: &str,
    note: Option<&str>,
    free_return: bool,
) -> (String, String) {
    let extra = note.map(|n| format!("\n\n{n}")).unwrap_or_default();
    let body = match outcome {
        Outcome::Refund => format!("Your claim {case} is approved and refunded.{extra}"),
        Outcome::Replacement => format!("Your claim {case} is approved: a replacement is on its way.{extra}"),
        Outcome::ReturnLabel if free_return => format!("Your claim {case} is approved. Make your free return label in claimdesk, send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnLabel => format!("Your claim {case} is approved. Make your return label in claimdesk (postage is yours), send the item back, and you will be refunded when it arrives.{extra}"),
        Outcome::ReturnRefund => format!("We received your return for {case} and refunded you."),
        Outcome::Rejected => format!("Your claim {case} was not approved.{extra}\n\nYou can dispute this within 14 days."),
        Outcome::ProposalAccepted | Outcome::AutoRefund => format!("Your claim {case} is resolved.{extra}"),
    };
    (format!("Update on your claim {case}"), body)
}

/// Approves or rejects the case; the customer is told by email.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decision", tag = "decisions", request_body = Decision,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decision_create(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Decision>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST decision {id}"), &input);
    idempotency::once(&state, &user, &key, hash, async {
        let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
        let checked = check(&input, write.case.claimed_value_minor, write.case.refunded_minor)?;
        let to = write.next_status(checked.action)?;
        let case_id = write.case.id.0;
        sqlx::query(
            "UPDATE cases SET outcome = ?, refunded_minor = refunded_minor + ?, decision_note = ?, prepared = 0 WHERE id = ?",
        )
        .bind(checked.outcome.as_str())
        .bind(checked.refund_minor)
        .bind(&checked.note)
        .bind(case_id)
        .execute(write.conn())
        .await?;
        write
            .event(EventKind::DecisionMade, json!({ "outcome": checked.outcome, "amount_minor": checked.refund_minor, "note": checked.note }))
            .await?;
        write.set_status(to).await?;
        let (subject, body) = customer_mail(checked.outcome, &id.to_string(), checked.note.as_deref(), write.case.free_return);
        write.notify(Recipient::Customer, "decision", subject, body, format!("decision:{case_id}:{}", input.version)).await?;
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// The returned parcel arrived: refund what is left of the claim and close.
#[utoipa::path(post, path = "/api/v1/cases/{id}/return-received", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id"), ("Idempotency-Key" = String, Header, description = "The same on every retry")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn return_received(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> ApiResult<Response> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let hash = idempotency::fingerprint(&format!("POST return-received {id}"), &input);
    idempotency::once(&state, &user, &key, hash, async {
        let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
        let to = write.next_status(CaseAction::ReturnReceived)?;
        let refund = write.case.claimed_value_minor - write.case.refunded_minor;
        let case_id = write.case.id.0;
        sqlx::query("UPDATE cases SET outcome = 'return_refund', refunded_minor = claimed_value_minor WHERE id = ?")
            .bind(case_id)
            .execute(write.conn())
            .await?;
        write.event(EventKind::ReturnReceived, json!({ "outcome": Outcome::ReturnRefund, "amount_minor": refund })).await?;
        write.set_status(to).await?;
        let (subject, body) = customer_mail(Outcome::ReturnRefund, &id.to_string(), None, false);
        write.notify(Recipient::Customer, "decision", subject, body, format!("return-received:{case_id}")).await?;
        write.commit().await?;
        load_detail(&state, Scope::of(&user), id).await
    })
    .await
}

/// Takes the case, so colleagues see who is on it. Taking it from a
/// colleague needs `take_over`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/hold", tag = "decisions", request_body = TakeHold,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_take(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TakeHold>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be held",
        ));
    }
    let kind = match write.case.held_by {
        Some(holder) if holder == user.id => {
            return Err(AppError::conflict(
                "already-held",
                "you already hold this case",
            ))
        }
        Some(_) if !input.take_over => {
            return Err(AppError::conflict(
                "held-by-other",
                "a colleague holds this case; take it over explicitly",
            ))
        }
        Some(_) => EventKind::TakenOver,
        None => EventKind::Held,
    };
    let (case_id, me) = (write.case.id.0, user.id);
    sqlx::query("UPDATE cases SET held_by = ? WHERE id = ?")
        .bind(me)
        .bind(case_id)
        .execute(write.conn())
        .await?;
    write
        .event(kind, json!({ "from": serde_json::Value::Null }))
        .await?;
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

/// Lets go of a case one holds.
#[utoipa::path(post, path = "/api/v1/cases/{id}/release", tag = "decisions", request_body = Versioned,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn hold_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<Versioned>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.held_by != Some(user.id) {
        return Err(AppError::conflict(
            "not-held-by-you",
            "only the agent holding a case can release it",
        ));
    }
    let case_id = write.case.id.0;
    sqlx::query("UPDATE cases SET held_by = NULL WHERE id = ?")
        .bind(case_id)
        .execute(write.conn())
        .await?;
    write.event(EventKind::Released, json!({})).await?;
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

/// Sets the case's toggles (free return).
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "decisions", request_body = CaseToggles,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn case_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CaseToggles>,
) -> ApiResult<Json<CaseDetail>> {
    let id = parse_case_id(&id)?;
    desk(&user)?;
    let mut write = CaseWrite::begin(&state, &user, id, input.version).await?;
    if write.case.status.is_closed() {
        return Err(AppError::conflict(
            "transition-refused",
            "a closed case cannot be changed",
        ));
    }
    if write.case.free_return != input.free_return {
        let case_id = write.case.id.0;
        sqlx::query("UPDATE cases SET free_return = ? WHERE id = ?")
            .bind(input.free_return)
            .bind(case_id)
            .execute(write.conn())
            .await?;
        let kind = if input.free_return {
            EventKind::FreeReturnOn
        } else {
            EventKind::FreeReturnOff
        };
        write.event(kind, json!({})).await?;
    }
    write.commit().await?;
    Ok(Json(load_detail(&state, Scope::of(&user), id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(kind: DecisionKind, amount_minor: Option<i64>, note: Option<&str>) -> Decision {
        Decision {
            version: 1,
            kind,
            amount_minor,
            note: note.map(str::to_owned),
        }
    }

    fn field_of(result: ApiResult<Checked>) -> Result<(Outcome, i64), String> {
        match result {
            Ok(c) => Ok((c.outcome, c.refund_minor)),
            Err(AppError::Validation(errors)) => {
                Err(format!("{}:{}", errors[0].field, errors[0].code))
            }
            Err(other) => Err(other.to_string()),
        }
    }

    #[test]
    fn refunds_never_exceed_what_is_claimed() {
        let table = [
            (
                decision(DecisionKind::Refund, None, None),
                64_900,
                0,
                Ok((Outcome::Refund, 64_900)),
            ),
            (
                decision(DecisionKind::Refund, Some(20_000), None),
                64_900,
                0,
                Ok((Outcome::Refund, 20_000)),
            ),
            (
                decision(DecisionKind::Refund, Some(64_901), None),
                64_900,
                0,
                Err("amount_minor:over_claimed".to_owned()),
            ),
            (
                decision(DecisionKind::Refund, Some(50_000), None),
                64_900,
                20_000,
                Err("amount_minor:over_claimed".to_owned()),
            ),
            (
                decision(DecisionKind::Refund, None, None),
                64_900,
                20_000,
                Ok((Outcome::Refund, 44_900)),
            ),
            (
                decision(DecisionKind::Refund, Some(0), None),
                64_900,
                0,
                Err("amount_minor:out_of_range".to_owned()),
            ),
            (
                decision(DecisionKind::Refund, Some(-5), None),
                64_900,
                0,
                Err("amount_minor:out_of_range".to_owned()),
            ),
            (
                decision(DecisionKind::Reject, None, None),
                64_900,
                0,
                Err("note:required".to_owned()),
            ),
            (
                decision(DecisionKind::Reject, None, Some("   ")),
                64_900,
                0,
                Err("note:required".to_owned()),
            ),
            (
                decision(DecisionKind::Reject, None, Some("Worn by use")),
                64_900,
                0,
                Ok((Outcome::Rejected, 0)),
            ),
            (
                decision(DecisionKind::Replacement, None, None),
                64_900,
                0,
                Ok((Outcome::Replacement, 0)),
            ),
            (
                decision(DecisionKind::ReturnLabel, None, None),
                64_900,
                0,
                Ok((Outcome::ReturnLabel, 0)),
            ),
        ];
        for (input, claimed, refunded, expected) in table {
            assert_eq!(
                field_of(check(&input, claimed, refunded)),
                expected,
                "{input:?}"
            );
        }
    }
}
